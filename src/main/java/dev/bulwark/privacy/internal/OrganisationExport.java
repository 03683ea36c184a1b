package dev.bulwark.privacy.internal;

import java.io.OutputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditReader;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.ModuleTables;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.web.LongAnswers;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

/**
 * The organisation's full export (GDPR Art. 20): a ZIP written in one short repeatable-read transaction (so every file
 * shows the same moment) to an encrypted spool file, then streamed from it with no database connection held
 * ({@link LongAnswers}); never assembled in memory. The organisation, then as JSON and CSV every table a module
 * declares exported ({@link ModuleTables.Export}: the workspace's, its members (ids and roles), its retention
 * policies), encrypted columns opened, the audit chain as NDJSON (as {@code /audit/export} writes it,
 * enough to re-verify offline, its last event this export's own {@code org.exported}), and a manifest with each
 * file's record count and SHA-256. OWNER only, step-up; {@code org.exported} is appended first in the export's
 * transaction and commits with it, before the first byte is sent.
 */
@Service
public class OrganisationExport {

    /** The detail of {@code org.exported}: the export's format. */
    static final String FORMAT = "format";

    private final List<ModuleTables.Table> exported;
    private final FieldCipher cipher;
    private final AuditReader auditReader;
    private final AuditLog audit;
    private final RecentFactor recentFactor;
    private final TenantScope tenantScope;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final TransactionTemplate snapshot;
    private final LongAnswers longAnswers;

    OrganisationExport(List<ModuleTables> modules, FieldCipher cipher, AuditReader auditReader, AuditLog audit,
                       RecentFactor recentFactor, TenantScope tenantScope, JdbcClient jdbc, ObjectMapper json,
                       TransactionTemplate transactions, LongAnswers longAnswers) {
        this.exported = ModuleTables.all(modules).stream().filter(t -> t.export() != null).toList();
        this.cipher = cipher;
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
        recentFactor.require(caller);
        UUID org = caller.orgId();
        return longAnswers.answer(org, out -> snapshot.executeWithoutResult(s -> tenantScope.inTenant(org, null, () -> {
            // First, so the head lock is held from the snapshot on: no event of this organisation commits while the
            // export is read, and the export ends with its own event.
            audit.callerAction(caller, AuditType.ORG_EXPORTED, Entity.organisation(org), Map.of(FORMAT, "zip"));
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
                for (ModuleTables.Table table : exported) {
                    zip.jsonArray(table.export().file() + ".json", element -> each(org, table, element::accept));
                    zip.csv(table.export().file() + ".csv", columns(table), rows -> each(org, table,
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

    /** The plain columns of the export, then the encrypted ones. */
    private static List<String> columns(ModuleTables.Table table) {
        List<String> all = new ArrayList<>(table.export().columns());
        if (table.sealed() != null) {
            all.addAll(table.sealed().columns());
        }
        return all;
    }

    /** Streams every row of {@code org}'s {@code table} in the export's order, its ciphertexts opened, column by name. */
    private void each(UUID org, ModuleTables.Table table, Consumer<Map<String, Object>> sink) {
        ModuleTables.Export export = table.export();
        ModuleTables.Sealed sealed = table.sealed();
        List<String> selected = new ArrayList<>(export.columns());
        if (sealed != null) {
            sealed.columns().forEach(c -> selected.add(c + "_ct"));
            selected.addAll(sealed.legacy());
            for (String key : sealed.versionColumn() == null ? List.of(sealed.rowId()) : List.of(sealed.rowId(), sealed.versionColumn())) {
                if (!selected.contains(key)) {
                    selected.add(key);
                }
            }
        }
        // Constant names from the modules' specs, never input.
        jdbc.sql("SELECT " + String.join(", ", selected) + " FROM " + table.name() + " WHERE tenant_id = :org ORDER BY "
                        + export.order())
                .param("org", org)
                .withFetchSize(1_000)
                .query(rs -> {
                    Map<String, Object> record = new LinkedHashMap<>();
                    for (String column : export.columns()) {
                        Object value = rs.getObject(column);
                        record.put(column, value instanceof Timestamp t ? t.toInstant().toString()
                                : value == null || (!export.asText() && value instanceof Number) ? value : value.toString());
                    }
                    if (sealed != null) {
                        UUID row = rs.getObject(sealed.rowId(), UUID.class);
                        long version = sealed.versionColumn() == null ? 0 : rs.getLong(sealed.versionColumn());
                        for (int i = 0; i < sealed.columns().size(); i++) {
                            String column = sealed.columns().get(i);
                            // A value still in its plaintext column is refused, never exported.
                            String plaintext = i < sealed.legacy().size() ? rs.getString(sealed.legacy().get(i)) : null;
                            record.put(column, cipher.open(new FieldCipher.Field(org, table.name(), sealed.bound(column, version), row),
                                    rs.getBytes(column + "_ct"), plaintext));
                        }
                    }
                    sink.accept(record);
                });
    }
}
