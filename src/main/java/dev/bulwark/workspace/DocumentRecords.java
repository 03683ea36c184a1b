package dev.bulwark.workspace;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A document version as a record other modules may bind to (electronic signatures, docs/signatures.md): its id,
 * project, number, title and body exactly as stored. Each call runs in the organisation's tenant scope, so another
 * organisation's ids are simply not found.
 */
public interface DocumentRecords {

    /** One stored version of a document. */
    record RecordVersion(UUID documentId, UUID projectId, int version, String title, String body, Instant createdAt) {

        @Override
        public String toString() {
            return "RecordVersion[" + documentId + " v" + version + "]"; // never the body
        }
    }

    /** Version {@code version} of document {@code documentId} of {@code orgId}, or empty. */
    Optional<RecordVersion> version(UUID orgId, UUID documentId, int version);

    /**
     * Moves a {@code draft} document whose current version is {@code version} to {@code in_review} (its first
     * signature); true when it changed, false when the document was not a draft at that version.
     */
    boolean markInReview(UUID orgId, UUID documentId, int version);

    /** Whether {@code documentId} is a document of project {@code projectId} of {@code orgId}. */
    boolean exists(UUID orgId, UUID projectId, UUID documentId);
}
