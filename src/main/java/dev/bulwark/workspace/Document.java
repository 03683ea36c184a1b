package dev.bulwark.workspace;

import java.time.Instant;
import java.util.UUID;

/**
 * A document with its current body (docs/workspace.md). {@code status} is one of {@link #STATUSES}; {@code origin}
 * {@link #HUMAN} or {@link #AI}. An AI-origin document names the completion it came from ({@code aiCompletionId}, the
 * id of the AI gateway's usage record) and answers {@code aiGenerated: true}. {@code effectiveVersion} is the version
 * that is effective (docs/signatures.md), null while no version has been promoted; it stays set while a newer draft
 * is written, until another version is promoted.
 */
public record Document(UUID id, UUID projectId, String title, String body, String status, String origin,
                       boolean aiGenerated, UUID aiCompletionId, int version, Integer effectiveVersion, Instant createdAt,
                       Instant updatedAt) {

    public static final String DRAFT = "draft";
    public static final String IN_REVIEW = "in_review";
    public static final String EFFECTIVE = "effective";
    public static final String SUPERSEDED = "superseded";
    public static final java.util.List<String> STATUSES = java.util.List.of(DRAFT, IN_REVIEW, EFFECTIVE, SUPERSEDED);

    public static final String HUMAN = "human";
    public static final String AI = "ai";

    @Override
    public String toString() {
        return "Document[" + id + ", " + origin + ", " + status + "]"; // never the body
    }
}
