package dev.bulwark.workspace;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.workspace.internal.EffectiveDocuments;
import org.springframework.stereotype.Service;

/**
 * What the guest portal may read of a project (docs/guests.md): its {@code effective} documents, listed and one by one,
 * and nothing else. Each call runs in the caller's transaction (or its own), bound to the organisation.
 */
@Service
public class SharedDocuments {

    /** An effective document in a list: no body. */
    public record Listed(UUID id, String title, int version, Instant createdAt, Instant updatedAt) {
    }

    /** One effective document with its body (sanitised HTML). */
    public record Shared(UUID id, String title, String body, int version, Instant createdAt, Instant updatedAt) {

        @Override
        public String toString() {
            return "Shared[" + id + "]"; // never the body
        }
    }

    private final EffectiveDocuments documents;

    SharedDocuments(EffectiveDocuments documents) {
        this.documents = documents;
    }

    /** The project's effective documents, oldest first. */
    public Page<Listed> effective(UUID orgId, UUID projectId, PageRequest request) {
        return documents.list(orgId, projectId, request);
    }

    /** The document if it is an effective document of the project; empty otherwise (whatever else it is). */
    public Optional<Shared> effective(UUID orgId, UUID projectId, UUID documentId) {
        return documents.one(orgId, projectId, documentId);
    }
}
