package dev.bulwark.audit.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Consumer;

import dev.bulwark.audit.AuditRecord;
import dev.bulwark.audit.AuditType;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Reads a tenant's chain: filtered pages, newest first, and the whole chain oldest first for export. */
@Component
public class AuditQueries {

    /** The query's filters; any may be null. */
    public record Filter(AuditType type, UUID actorId, String entityId, Instant from, Instant to) {
    }

    private static final String COLUMNS = """
            seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id, reason, ip, user_agent, request_id,
            tenant_id, before_ct, after_ct, before_json, after_json, redacted_at, hash_version, data_salt, data_digest, payload_hash, prev_hash, hash""";
    private static final HexFormat HEX = HexFormat.of();

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final ObjectMapper json;
    private final Payloads payloads;

    AuditQueries(JdbcClient jdbc, TenantScope tenantScope, ObjectMapper json, Payloads payloads) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.json = json;
        this.payloads = payloads;
    }

    public Page<AuditRecord> page(UUID tenant, Filter filter, PageRequest request) {
        return tenantScope.inTenant(tenant, null, () -> request.fetchByNumber(jdbc.sql("""
                                SELECT %s FROM audit_events
                                WHERE tenant_id = :tenant AND seq < :afterNumber
                                  AND (CAST(:type AS text) IS NULL OR type = :type)
                                  AND (CAST(:actor AS uuid) IS NULL OR actor_id = :actor)
                                  AND (CAST(:entity AS text) IS NULL OR entity_id = :entity)
                                  AND (CAST(:from AS timestamptz) IS NULL OR occurred_at >= :from)
                                  AND (CAST(:to AS timestamptz) IS NULL OR occurred_at < :to)
                                ORDER BY seq DESC LIMIT :limit
                                """.formatted(COLUMNS))
                        .param("tenant", tenant)
                        .param("type", filter.type() == null ? null : filter.type().dotted())
                        .param("actor", filter.actorId())
                        .param("entity", filter.entityId())
                        .param("from", filter.from() == null ? null : Timestamp.from(filter.from()))
                        .param("to", filter.to() == null ? null : Timestamp.from(filter.to())),
                this::map, AuditRecord::seq));
    }

    /** Every event of the tenant about one of {@code entityIds}, oldest first. */
    public java.util.List<AuditRecord> about(UUID tenant, java.util.Collection<String> entityIds) {
        if (entityIds.isEmpty()) {
            return java.util.List.of();
        }
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql(
                        "SELECT %s FROM audit_events WHERE tenant_id = :tenant AND entity_id = ANY (:ids) ORDER BY seq".formatted(COLUMNS))
                .param("tenant", tenant)
                .param("ids", entityIds.toArray(String[]::new))
                .query(this::map)
                .list());
    }

    /**
     * The tenant's event {@code eventId} without its data ({@code before}/{@code after} null, nothing decrypted), if its
     * chain holds it: what a webhook delivery may carry.
     */
    public java.util.Optional<AuditRecord> findWithoutData(UUID tenant, UUID eventId) {
        return tenantScope.inTenant(tenant, null, () -> jdbc.sql("""
                        SELECT %s FROM audit_events WHERE tenant_id = :tenant AND id = :id""".formatted(COLUMNS
                        .replace("before_ct, after_ct, before_json, after_json", "NULL::bytea AS before_ct, NULL::bytea AS after_ct,"
                                + " NULL::text AS before_json, NULL::text AS after_json")))
                .param("tenant", tenant)
                .param("id", eventId)
                .query(this::map)
                .optional());
    }

    /** Every event of the tenant, oldest first, streamed to {@code sink} inside one read transaction. */
    public void each(UUID tenant, Consumer<AuditRecord> sink) {
        tenantScope.inTenant(tenant, null, () -> jdbc.sql("SELECT %s FROM audit_events WHERE tenant_id = :tenant ORDER BY seq"
                        .formatted(COLUMNS))
                .param("tenant", tenant)
                .withFetchSize(2_000)
                .query(rs -> {
                    sink.accept(map(rs, 0));
                }));
    }

    private AuditRecord map(ResultSet rs, int row) throws SQLException {
        Timestamp redacted = rs.getTimestamp("redacted_at");
        String actorId = rs.getString("actor_id");
        UUID tenant = rs.getObject("tenant_id", UUID.class);
        UUID id = rs.getObject("id", UUID.class);
        String before = payloads.open(tenant, id, "before", rs.getBytes("before_ct"), rs.getString("before_json"));
        String after = payloads.open(tenant, id, "after", rs.getBytes("after_ct"), rs.getString("after_json"));
        return new AuditRecord(id, rs.getLong("seq"),
                ChainCodec.instant(rs.getTimestamp("occurred_at").toInstant()), rs.getString("type"),
                new AuditRecord.Party(rs.getString("actor_type"), actorId),
                new AuditRecord.Party(rs.getString("entity_type"), rs.getString("entity_id")), rs.getString("reason"),
                rs.getString("ip"), rs.getString("user_agent"), rs.getString("request_id"), tree(before), tree(after), redacted == null ? null : redacted.toInstant().toString(),
                rs.getInt("hash_version"), hex(rs.getBytes("data_salt")), hex(rs.getBytes("data_digest")),
                hex(rs.getBytes("payload_hash")), hex(rs.getBytes("prev_hash")), hex(rs.getBytes("hash")));
    }

    private JsonNode tree(String text) {
        return text == null ? null : json.readTree(text);
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : HEX.formatHex(bytes);
    }
}
