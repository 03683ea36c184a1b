package dev.bulwark.privacy.internal;

import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditReader;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.WorkspaceExport;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * The organisation's full export (GDPR Art. 20): a ZIP streamed to the client, never assembled in memory or on disk,
 * read in one repeatable-read transaction so every file shows the same moment. Every workspace table as JSON and CSV,
 * the organisation, its members (ids and roles), its retention policies, the audit chain as NDJSON (as
 * {@code /audit/export} writes it, enough to re-verify offline), and a manifest with each file's record count and
 * SHA-256. OWNER only, step-up; recorded as {@code org.exported} before the first byte is sent.
 */
@Service
public class OrganisationExport {

    private final WorkspaceExport workspace;
    private final AuditReader auditReader;
    private final AuditLog audit;
    private final RecentFactor recentFactor;
    private final TenantScope tenantScope;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final TransactionTemplate snapshot;

    OrganisationExport(WorkspaceExport workspace, AuditReader auditReader, AuditLog audit, RecentFactor recentFactor,
                       TenantScope tenantScope, JdbcClient jdbc, ObjectMapper json, TransactionTemplate transactions) {
        this.workspace = workspace;
        this.auditReader = auditReader;
        this.audit = audit;
        this.recentFactor = recentFactor;
        this.tenantScope = tenantScope;
        this.jdbc = jdbc;
        this.json = json;
        this.snapshot = new TransactionTemplate(transactions.getTransactionManager());
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
    }

    /** Checks step-up and records the export; the caller then streams {@link #write}. */
    public void authorise(Caller caller) {
        recentFactor.require(caller);
        audit.callerAction(caller, AuditType.ORG_EXPORTED, Entity.organisation(caller.orgId()), Map.of("format", "zip"));
    }

    public void write(UUID org, OutputStream out) {
        snapshot.executeWithoutResult(s -> tenantScope.inTenant(org, null, () -> {
            try (ZipDocument zip = new ZipDocument(out, json)) {
                zip.json("organisation.json", jdbc.sql("SELECT id, name, created_at FROM organisations WHERE id = :org")
                        .param("org", org)
                        .query((rs, n) -> Map.of("id", rs.getString(1), "name", rs.getString(2),
                                "createdAt", rs.getTimestamp(3).toInstant().toString()))
                        .single());
                List<String> members = List.of("user_id", "role", "created_at");
                table(zip, "members", members, jdbc.sql(
                                "SELECT user_id, role, created_at FROM memberships WHERE tenant_id = :org ORDER BY created_at, user_id")
                        .param("org", org)
                        .query((rs, n) -> row(members, rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant().toString()))
                        .list());
                List<String> policies = List.of("data_class", "retention_days", "updated_at");
                table(zip, "retention_policies", policies, jdbc.sql(
                                "SELECT data_class, retention_days, updated_at FROM retention_policies WHERE tenant_id = :org ORDER BY data_class")
                        .param("org", org)
                        .query((rs, n) -> row(policies, rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant().toString()))
                        .list());
                for (WorkspaceExport.Table table : WorkspaceExport.TABLES) {
                    zip.jsonArray(table.name() + ".json", element -> workspace.each(org, table, element::accept));
                    zip.csv(table.name() + ".csv", table.columns(), rows -> workspace.each(org, table,
                            record -> rows.accept(record.values().stream().map(v -> v == null ? "" : v).toList())));
                }
                zip.lines("audit-events.ndjson", line -> auditReader.each(org, line::accept));
                zip.finish(Map.of("format", "bulwark-export-v1", "organisationId", org.toString(),
                        "generatedAt", Instant.now().toString()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    private void table(ZipDocument zip, String name, List<String> header, List<Map<String, Object>> rows) {
        zip.jsonArray(name + ".json", element -> rows.forEach(element::accept));
        zip.csv(name + ".csv", header, out -> rows.forEach(r -> out.accept(List.copyOf(r.values()))));
    }

    private static Map<String, Object> row(List<String> columns, Object... values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(columns.get(i), values[i]);
        }
        return row;
    }
}
