package dev.bulwark.privacy.internal;

import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditEvent;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditReader;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.web.LongAnswers;
import dev.bulwark.workspace.WorkspaceExport;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

/**
 * The organisation's full export (GDPR Art. 20): a ZIP written in one short repeatable-read transaction (so every file
 * shows the same moment) to an encrypted spool file, then streamed from it with no database connection held
 * ({@link LongAnswers}); never assembled in memory. Every workspace table as JSON and CSV, the organisation, its
 * members (ids and roles), its retention policies, the audit chain as NDJSON (as {@code /audit/export} writes it,
 * enough to re-verify offline, its last event this export's own {@code org.exported}), and a manifest with each
 * file's record count and SHA-256. OWNER only, step-up; {@code org.exported} is appended first in the export's
 * transaction and commits with it, before the first byte is sent.
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
    private final LongAnswers longAnswers;

    OrganisationExport(WorkspaceExport workspace, AuditReader auditReader, AuditLog audit, RecentFactor recentFactor,
                       TenantScope tenantScope, JdbcClient jdbc, ObjectMapper json, TransactionTemplate transactions,
                       LongAnswers longAnswers) {
        this.workspace = workspace;
        this.auditReader = auditReader;
        this.audit = audit;
        this.recentFactor = recentFactor;
        this.tenantScope = tenantScope;
        this.jdbc = jdbc;
        this.json = json;
        this.snapshot = new TransactionTemplate(transactions.getTransactionManager());
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.longAnswers = longAnswers;
    }

    /**
     * Checks step-up, then (429 past the organisation's limit of long answers) spools the export and records it in one
     * transaction; the answer streams the spool file.
     */
    public StreamingResponseBody export(Caller caller) {
        recentFactor.require(caller.orgId(), caller.userId(), caller.sessionId());
        UUID org = caller.orgId();
        return longAnswers.answer(org, out -> snapshot.executeWithoutResult(s -> tenantScope.inTenant(org, null, () -> {
            // First, so the head lock is held from the snapshot on: no event of this organisation commits while the
            // export is read, and the export ends with its own event.
            audit.append(new AuditEvent(org, AuditType.ORG_EXPORTED, Retention.actor(caller),
                    Entity.of("organisation", org), null, null, Map.of("format", "zip"), null));
            write(org, out);
        })));
    }

    private void write(UUID org, OutputStream out) {
        tenantScope.inTenant(org, null, () -> {
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
        });
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
