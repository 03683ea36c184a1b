package dev.bulwark.workspace;

import java.util.List;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.workspace.internal.Documents;
import org.springframework.stereotype.Service;

/**
 * What the AI module needs of the workspace to make a document from a completion (docs/workspace.md, "Status and
 * origin"): the sources a draft is written from, and the document itself, made with origin {@code ai} and status
 * {@code draft}. Each call runs in a transaction of its own (or the caller's), bound to the organisation.
 */
@Service
public class DocumentDrafts {

    /** A document a draft is written from: its title and current body (sanitised HTML). */
    public record Source(UUID id, String title, String body) {

        @Override
        public String toString() {
            return "Source[" + id + "]"; // never the body
        }
    }

    private final Documents documents;

    DocumentDrafts(Documents documents) {
        this.documents = documents;
    }

    /** 404 unless the project and every document named are the organisation's; the documents' titles and bodies. */
    public List<Source> sources(Caller caller, UUID projectId, List<UUID> documentIds) {
        return documents.sources(caller.orgId(), projectId, documentIds).stream()
                .map(s -> new Source(s.id(), s.title(), s.body()))
                .toList();
    }

    /**
     * The document made from the completion {@code completionId} (the AI gateway's usage record): origin ai, status
     * draft, body sanitised like any document's; records {@code document.created}.
     */
    public Document create(Caller caller, UUID projectId, String title, String body, UUID completionId) {
        return documents.createFromAi(caller, projectId, title, body, completionId);
    }
}
