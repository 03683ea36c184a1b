package dev.bulwark.workspace.internal;

import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.Document;
import dev.bulwark.workspace.SharedDocuments;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The {@code effective} documents of one project, read for someone outside the organisation (the guest portal): only
 * documents whose status is effective, only in the project named, only in the organisation bound. Nothing else of a
 * document (its drafts, its versions, its origin) is read here.
 */
@Service
public class EffectiveDocuments {

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Sealed sealed;

    EffectiveDocuments(JdbcClient jdbc, TenantScope tenantScope, Sealed sealed) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.sealed = sealed;
    }

    public Page<SharedDocuments.Listed> list(UUID orgId, UUID projectId, PageRequest request) {
        return tenantScope.inTenant(orgId, null, () -> request.fetch(jdbc.sql("""
                        SELECT id, title, version, created_at, updated_at FROM documents
                        WHERE tenant_id = :org AND project_id = :project AND status = :effective
                          AND (created_at, id) > (:afterAt, :afterId)
                        ORDER BY created_at, id LIMIT :limit
                        """)
                .param("org", orgId)
                .param("project", projectId)
                .param("effective", Document.EFFECTIVE),
                (rs, n) -> new SharedDocuments.Listed(Rows.uuid(rs, "id"), rs.getString("title"), rs.getInt("version"),
                        Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at")),
                d -> new PageRequest.Position(d.createdAt(), d.id())));
    }

    public Optional<SharedDocuments.Shared> one(UUID orgId, UUID projectId, UUID documentId) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("""
                        SELECT id, title, body_ct, body, version, created_at, updated_at FROM documents
                        WHERE tenant_id = :org AND project_id = :project AND id = :id AND status = :effective
                        """)
                .param("org", orgId)
                .param("project", projectId)
                .param("id", documentId)
                .param("effective", Document.EFFECTIVE)
                .query((rs, n) -> new SharedDocuments.Shared(documentId, rs.getString("title"),
                        sealed.open(rs, orgId, "documents", "body", documentId), rs.getInt("version"),
                        Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at")))
                .optional());
    }
}
