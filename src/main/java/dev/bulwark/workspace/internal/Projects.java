package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditType;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Projects of an organisation. Deleting one deletes its documents and their versions, in one statement. */
@Service
public class Projects {

    /** A project as the API shows it. */
    public record Project(UUID id, String name, String description, int version, Instant createdAt, Instant updatedAt)
            implements Rows.Listed {
    }

    private static final String COLUMNS = "id, name, description, version, created_at, updated_at";

    /** The details of the {@code project.*} events ({@link #audited}). */
    static final String NAME = "name";
    static final String DESCRIPTION = "description";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final WorkspaceAudit audit;

    Projects(JdbcClient jdbc, TenantScope tenantScope, WorkspaceAudit audit) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.audit = audit;
    }

    public Project create(Caller caller, String name, String description) {
        Instant now = Rows.now();
        Project project = new Project(Ids.newId(), name, description, 1, now, now);
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            jdbc.sql("""
                            INSERT INTO projects (tenant_id, id, name, description, version, created_at, updated_at)
                            VALUES (:org, :id, :name, :description, 1, :now, :now)
                            """)
                    .param("org", caller.orgId())
                    .param("id", project.id())
                    .param("name", name)
                    .param("description", description)
                    .param("now", Rows.ts(now))
                    .update();
            audit.created(caller, AuditType.PROJECT_CREATED, "project", project.id(), audited(project));
        });
        return project;
    }

    public Page<Project> list(Caller caller, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> Rows.page(jdbc.sql("""
                        SELECT %s FROM projects
                        WHERE tenant_id = :org AND (created_at, id) > (:afterAt, :afterId)
                        ORDER BY created_at, id LIMIT :limit
                        """.formatted(COLUMNS))
                .param("org", caller.orgId()), request, Projects::map));
    }

    public Project get(Caller caller, UUID projectId) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> find(caller.orgId(), projectId, false));
    }

    public Project update(Caller caller, UUID projectId, IfMatch ifMatch, Edit<String> name, Edit<String> description) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Project current = find(caller.orgId(), projectId, true);
            ifMatch.requireMatches(current.version());
            Project next = new Project(current.id(), name.applyTo(current.name()), description.applyTo(current.description()),
                    current.version() + 1, current.createdAt(), Rows.now());
            jdbc.sql("""
                            UPDATE projects SET name = :name, description = :description, version = :version, updated_at = :now
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("name", next.name())
                    .param("description", next.description())
                    .param("version", next.version())
                    .param("now", Rows.ts(next.updatedAt()))
                    .param("org", caller.orgId())
                    .param("id", projectId)
                    .update();
            audit.updated(caller, AuditType.PROJECT_UPDATED, "project", projectId, audited(current), audited(next));
            return next;
        });
    }

    /** Deletes the project with its documents and every version of them (foreign keys cascade, one transaction). */
    public void delete(Caller caller, UUID projectId, IfMatch ifMatch) {
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Project current = find(caller.orgId(), projectId, true);
            ifMatch.requireMatches(current.version());
            jdbc.sql("DELETE FROM projects WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId())
                    .param("id", projectId)
                    .update();
            audit.deleted(caller, AuditType.PROJECT_DELETED, "project", projectId, audited(current));
        });
    }

    /**
     * The project, inside the caller's transaction, locked FOR UPDATE when a write to it follows; 404 when it does
     * not exist in this organisation.
     */
    private Project find(UUID orgId, UUID projectId, boolean lock) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM projects WHERE tenant_id = :org AND id = :id" + (lock ? " FOR UPDATE" : ""))
                .param("org", orgId)
                .param("id", projectId)
                .query(Projects::map)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such project."));
    }

    /**
     * 404 unless the project exists. {@code lock} takes a share lock, for a write under the project, so documents
     * are never added to one being deleted.
     */
    void requireParent(UUID orgId, UUID projectId, boolean lock) {
        jdbc.sql("SELECT id FROM projects WHERE tenant_id = :org AND id = :id " + (lock ? "FOR SHARE" : ""))
                .param("org", orgId)
                .param("id", projectId)
                .query(UUID.class)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such project."));
    }

    private static java.util.Map<String, Object> audited(Project project) {
        return WorkspaceAudit.fields(NAME, project.name(), DESCRIPTION, project.description(), WorkspaceAudit.VERSION,
                project.version());
    }

    private static Project map(ResultSet rs, int row) throws SQLException {
        return new Project(Rows.uuid(rs, "id"), rs.getString("name"), rs.getString("description"), rs.getInt("version"),
                Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }
}
