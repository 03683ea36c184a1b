package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditType;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.ApprovalGate;
import dev.bulwark.workspace.Document;
import dev.bulwark.workspace.DocumentRecords;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Documents inside a project. Every write makes a new version (1 on create, +1 on each update), and every version is
 * kept, readable by number, until the document is deleted. Bodies are sanitised HTML.
 */
@Service
public class Documents implements DocumentRecords {

    public static final int MAX_BODY = 500_000;

    /** A document in a list: everything but the body, which may be large. */
    public record DocumentSummary(UUID id, UUID projectId, String title, String status, String origin, boolean aiGenerated,
                                  int version, Instant createdAt, Instant updatedAt)
            implements Rows.Listed {
    }

    /** A source of an AI draft: a document's title and current body. */
    public record Source(UUID id, String title, String body) {

        @Override
        public String toString() {
            return "Source[" + id + "]";
        }
    }

    /** One version of a document, as it was written. */
    public record DocumentVersion(UUID documentId, int version, String title, String body, Instant createdAt) {
    }

    /** A version in a list, without its body. */
    public record VersionSummary(UUID documentId, int version, String title, Instant createdAt) {
    }

    /** The details of the {@code document.*} events ({@link #audited}); the body by its length. */
    static final String PROJECT_ID = "projectId";
    static final String TITLE = "title";
    static final String STATUS = "status";
    static final String ORIGIN = "origin";
    static final String AI_COMPLETION_ID = "aiCompletionId";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Projects projects;
    private final WorkspaceAudit audit;
    private final Sealed sealed;
    private final ObjectProvider<ApprovalGate> approvals;

    Documents(JdbcClient jdbc, TenantScope tenantScope, Projects projects, WorkspaceAudit audit, Sealed sealed,
              ObjectProvider<ApprovalGate> approvals) {
        this.approvals = approvals;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.projects = projects;
        this.audit = audit;
        this.sealed = sealed;
    }

    /** A person's (or a key's) document: origin human, status draft. */
    public Document create(Caller caller, UUID projectId, String title, String body) {
        return create(caller, projectId, title, body, null);
    }

    /**
     * A document made from the AI gateway's output: origin ai, status draft, naming the completion it came from. Only
     * the AI draft endpoint calls this; no client can make a document with origin ai any other way.
     */
    public Document createFromAi(Caller caller, UUID projectId, String title, String body, UUID completionId) {
        if (completionId == null) {
            throw new IllegalArgumentException("an AI-origin document names its completion");
        }
        return create(caller, projectId, title, body, completionId);
    }

    /**
     * Every new document starts as a draft: the status column is not in the app role's INSERT grant (V51), so the
     * database default is the only status a new row can have.
     */
    private Document create(Caller caller, UUID projectId, String title, String body, UUID completionId) {
        String clean = clean(body);
        Instant now = Rows.now();
        boolean ai = completionId != null;
        Document document = new Document(Ids.newId(), projectId, title, clean, Document.DRAFT, ai ? Document.AI : Document.HUMAN,
                ai, completionId, 1, null, now, now);
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            projects.requireParent(caller.orgId(), projectId, true);
            jdbc.sql("""
                            INSERT INTO documents (tenant_id, id, project_id, title, body_ct, origin, ai_completion_id, version,
                                                   created_at, updated_at)
                            VALUES (:org, :id, :project, :title, :body, :origin, :completion, 1, :now, :now)
                            """)
                    .param("org", caller.orgId())
                    .param("id", document.id())
                    .param("project", projectId)
                    .param("title", title)
                    .param("origin", document.origin())
                    .param("completion", completionId)
                    .param("body", sealed.seal(caller.orgId(), "documents", "body", document.id(), clean))
                    .param("now", Rows.ts(now))
                    .update();
            keepVersion(caller.orgId(), document);
            audit.created(caller, AuditType.DOCUMENT_CREATED, "document", document.id(), audited(document));
            return document;
        });
    }

    public Page<DocumentSummary> list(Caller caller, UUID projectId, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            projects.requireParent(caller.orgId(), projectId, false);
            return Rows.page(jdbc.sql("""
                            SELECT id, project_id, title, status, origin, version, created_at, updated_at FROM documents
                            WHERE tenant_id = :org AND project_id = :project AND (created_at, id) > (:afterAt, :afterId)
                            ORDER BY created_at, id LIMIT :limit
                            """)
                    .param("org", caller.orgId())
                    .param("project", projectId), request,
                    (rs, n) -> new DocumentSummary(Rows.uuid(rs, "id"), Rows.uuid(rs, "project_id"), rs.getString("title"),
                            rs.getString("status"), rs.getString("origin"), Document.AI.equals(rs.getString("origin")),
                            rs.getInt("version"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at")));
        });
    }

    public Document get(Caller caller, UUID projectId, UUID documentId) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> find(caller.orgId(), projectId, documentId, false));
    }

    /** Applies the edits as a new version; the version before it stays readable. */
    public Document update(Caller caller, UUID projectId, UUID documentId, IfMatch ifMatch, Edit<String> title, Edit<String> body) {
        String clean = body.present() ? clean(body.value()) : null;
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Document current = find(caller.orgId(), projectId, documentId, true);
            ifMatch.requireMatches(current.version());
            // An edit makes a new version, which is a draft and unsigned: an effective document's effective version stays
            // recorded (effective_version) until another version is promoted, and a document in review goes back to draft.
            String status = Document.EFFECTIVE.equals(current.status()) || Document.IN_REVIEW.equals(current.status())
                    ? Document.DRAFT : current.status();
            Document next = new Document(current.id(), projectId, title.applyTo(current.title()),
                    body.present() ? clean : current.body(), status, current.origin(), current.aiGenerated(),
                    current.aiCompletionId(), current.version() + 1, current.effectiveVersion(), current.createdAt(), Rows.now());
            jdbc.sql("""
                            UPDATE documents SET title = :title, body_ct = :body, body = NULL, version = :version, updated_at = :now,
                                                 status = :status
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("status", next.status())
                    .param("title", next.title())
                    .param("body", sealed.seal(caller.orgId(), "documents", "body", documentId, next.body()))
                    .param("version", next.version())
                    .param("now", Rows.ts(next.updatedAt()))
                    .param("org", caller.orgId())
                    .param("id", documentId)
                    .update();
            keepVersion(caller.orgId(), next);
            audit.updated(caller, AuditType.DOCUMENT_UPDATED, "document", documentId, audited(current), audited(next));
            return next;
        });
    }

    /**
     * Promotion to {@code effective} (docs/workspace.md, "Status and origin"; docs/signatures.md): the version must
     * exist (else 404) and carry the organisation's required approvals, distinct signers, on exactly that version
     * (the {@link ApprovalGate}; else 409 {@code signatures-required}). The document then answers {@code effective}
     * and names that version; an earlier effective version is superseded. The database refuses {@code effective}
     * for a version without an approval signature whatever the application does (V52).
     */
    public Document promote(Caller caller, UUID projectId, UUID documentId, int version) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Document current = find(caller.orgId(), projectId, documentId, true);
            if (version > current.version()) {
                throw new NotFoundException("There is no such version of this document.");
            }
            ApprovalGate gate = approvals.getIfAvailable();
            if (gate == null) {
                throw new RefusedException(409, "signatures-required", "Signatures required",
                        "Version " + version + " of this document becomes effective only with its approvals.");
            }
            gate.requireApprovals(caller.orgId(), documentId, version);
            Integer before = jdbc.sql("SELECT effective_version FROM documents WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId()).param("id", documentId).query(Integer.class).optional().orElse(null);
            jdbc.sql("UPDATE documents SET status = 'effective', effective_version = :version WHERE tenant_id = :org AND id = :id")
                    .param("version", version)
                    .param("org", caller.orgId())
                    .param("id", documentId)
                    .update();
            Document promoted = new Document(current.id(), current.projectId(), current.title(), current.body(), Document.EFFECTIVE,
                    current.origin(), current.aiGenerated(), current.aiCompletionId(), current.version(), version, current.createdAt(),
                    current.updatedAt());
            audit.updated(caller, AuditType.DOCUMENT_PROMOTED, "document", documentId,
                    WorkspaceAudit.fields(STATUS, current.status(), "effectiveVersion", before),
                    WorkspaceAudit.fields(STATUS, Document.EFFECTIVE, "effectiveVersion", version,
                            "supersededVersion", before == null || before == version ? null : before));
            return promoted;
        });
    }

    @Override
    public java.util.Optional<RecordVersion> version(UUID orgId, UUID documentId, int version) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("""
                        SELECT v.document_id, d.project_id, v.version, v.title, v.body_ct, v.body, v.created_at
                        FROM document_versions v JOIN documents d ON d.tenant_id = v.tenant_id AND d.id = v.document_id
                        WHERE v.tenant_id = :org AND v.document_id = :document AND v.version = :version
                        """)
                .param("org", orgId)
                .param("document", documentId)
                .param("version", version)
                .query((rs, n) -> new RecordVersion(documentId, Rows.uuid(rs, "project_id"), rs.getInt("version"),
                        rs.getString("title"), sealed.open(rs, orgId, "document_versions", "body", versionColumn(version), documentId),
                        Rows.instant(rs, "created_at")))
                .optional());
    }

    /**
     * A draft goes to {@code in_review} when its current version receives its first signature: only a {@code draft}
     * whose current version is {@code version} changes; anything else (an older version, a document in review,
     * effective or superseded) stays as it is. The caller (the signing ceremony) records the change in its event.
     */
    @Override
    public boolean markInReview(UUID orgId, UUID documentId, int version) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("""
                        UPDATE documents SET status = 'in_review'
                        WHERE tenant_id = :org AND id = :id AND version = :version AND status = 'draft'
                        """)
                .param("org", orgId)
                .param("id", documentId)
                .param("version", version)
                .update() == 1);
    }

    @Override
    public boolean exists(UUID orgId, UUID projectId, UUID documentId) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("SELECT count(*) FROM documents WHERE tenant_id = :org AND project_id = :project AND id = :id")
                .param("org", orgId)
                .param("project", projectId)
                .param("id", documentId)
                .query(Long.class)
                .single() > 0);
    }

    /**
     * The sources of an AI draft to be made in {@code projectId}: the documents' titles and bodies, in the order asked.
     * 404 unless the project, and each document, is one of the organisation.
     */
    public java.util.List<Source> sources(UUID orgId, UUID projectId, java.util.List<UUID> ids) {
        return tenantScope.inTenant(orgId, null, () -> {
            projects.requireParent(orgId, projectId, false);
            java.util.List<Source> sources = new java.util.ArrayList<>();
            for (UUID id : ids) {
                sources.add(jdbc.sql("SELECT tenant_id, id, title, body_ct, body FROM documents WHERE tenant_id = :org AND id = :id")
                        .param("org", orgId)
                        .param("id", id)
                        .query((rs, n) -> new Source(id, rs.getString("title"), sealed.open(rs, orgId, "documents", "body", id)))
                        .optional()
                        .orElseThrow(() -> new NotFoundException("sourceDocumentIds names no document " + id + " in this organisation.")));
            }
            return sources;
        });
    }

    /** Deletes the document and all its versions. */
    public void delete(Caller caller, UUID projectId, UUID documentId, IfMatch ifMatch) {
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Document current = find(caller.orgId(), projectId, documentId, true);
            ifMatch.requireMatches(current.version());
            jdbc.sql("DELETE FROM documents WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId())
                    .param("id", documentId)
                    .update();
            audit.deleted(caller, AuditType.DOCUMENT_DELETED, "document", documentId, audited(current));
        });
    }

    /** The document's versions, newest first. */
    public Page<VersionSummary> versions(Caller caller, UUID projectId, UUID documentId, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            requireDocument(caller.orgId(), projectId, documentId);
            return request.fetchByNumber(jdbc.sql("""
                                    SELECT document_id, version, title, created_at FROM document_versions
                                    WHERE tenant_id = :org AND document_id = :document AND version < :afterNumber
                                    ORDER BY version DESC LIMIT :limit
                                    """)
                            .param("org", caller.orgId())
                            .param("document", documentId),
                    (rs, n) -> new VersionSummary(Rows.uuid(rs, "document_id"), rs.getInt("version"),
                            rs.getString("title"), Rows.instant(rs, "created_at")),
                    VersionSummary::version);
        });
    }

    public DocumentVersion version(Caller caller, UUID projectId, UUID documentId, int version) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            requireDocument(caller.orgId(), projectId, documentId);
            return jdbc.sql("""
                            SELECT document_id, version, title, body_ct, body, created_at FROM document_versions
                            WHERE tenant_id = :org AND document_id = :document AND version = :version
                            """)
                    .param("org", caller.orgId())
                    .param("document", documentId)
                    .param("version", version)
                    .query((rs, n) -> new DocumentVersion(documentId, rs.getInt("version"), rs.getString("title"),
                            sealed.open(rs, caller.orgId(), "document_versions", "body", versionColumn(version), documentId),
                            Rows.instant(rs, "created_at")))
                    .optional()
                    .orElseThrow(() -> new NotFoundException("There is no such version of this document."));
        });
    }

    private void keepVersion(UUID orgId, Document document) {
        jdbc.sql("""
                        INSERT INTO document_versions (tenant_id, document_id, version, title, body_ct, created_at)
                        VALUES (:org, :document, :version, :title, :body, :at)
                        """)
                .param("org", orgId)
                .param("document", document.id())
                .param("version", document.version())
                .param("title", document.title())
                .param("body", sealed.seal(orgId, "document_versions", versionColumn(document.version()), document.id(),
                        document.body()))
                .param("at", Rows.ts(document.updatedAt()))
                .update();
    }

    private void requireDocument(UUID orgId, UUID projectId, UUID documentId) {
        jdbc.sql("SELECT id FROM documents WHERE tenant_id = :org AND project_id = :project AND id = :id")
                .param("org", orgId)
                .param("project", projectId)
                .param("id", documentId)
                .query(UUID.class)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such document."));
    }

    /** 404 unless the document exists in this project of this organisation. */
    private Document find(UUID orgId, UUID projectId, UUID documentId, boolean lock) {
        return jdbc.sql("""
                        SELECT tenant_id, id, project_id, title, body_ct, body, status, origin, ai_completion_id, version,
                               effective_version, created_at, updated_at FROM documents
                        WHERE tenant_id = :org AND project_id = :project AND id = :id
                        """ + (lock ? "FOR UPDATE" : ""))
                .param("org", orgId)
                .param("project", projectId)
                .param("id", documentId)
                .query(this::map)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such document."));
    }

    private static String clean(String body) {
        String clean = HtmlBodies.sanitise(body);
        if (clean.codePointCount(0, clean.length()) > MAX_BODY) {
            throw new InvalidInputException("body", "is longer than 500,000 characters once sanitised");
        }
        return clean;
    }

    private Document map(ResultSet rs, int row) throws SQLException {
        UUID id = Rows.uuid(rs, "id");
        String origin = rs.getString("origin");
        return new Document(id, Rows.uuid(rs, "project_id"), rs.getString("title"),
                sealed.open(rs, Rows.uuid(rs, "tenant_id"), "documents", "body", id), rs.getString("status"), origin,
                Document.AI.equals(origin), Rows.uuid(rs, "ai_completion_id"), rs.getInt("version"),
                rs.getObject("effective_version", Integer.class), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }

    /** A kept version's body is bound to its version number: one version's ciphertext does not open as another's. */
    private static String versionColumn(int version) {
        return "body@" + version;
    }

    /** The body by its length only: the document's versions keep the text itself. */
    private static java.util.Map<String, Object> audited(Document document) {
        return WorkspaceAudit.fields(PROJECT_ID, document.projectId(), TITLE, document.title(), WorkspaceAudit.BODY_LENGTH,
                document.body() == null ? 0 : document.body().length(), STATUS, document.status(), ORIGIN, document.origin(),
                AI_COMPLETION_ID, document.aiCompletionId() == null ? null : document.aiCompletionId().toString(), WorkspaceAudit.VERSION, document.version());
    }
}
