package dev.bulwark.ai.internal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * The gateway's receipts in {@code ai_usage}: one row per call that reached it, written once, in the transaction that
 * records its {@code ai.completion} event. Hashes, counts, times and names only; never the prompt or the output. Read
 * newest first by the organisation's ADMINs, OWNERs and AUDITORs; purged by the retention enforcer (data class
 * {@code ai.usage}).
 */
@Service
public class UsageRecords {

    /** Who made a call: a person ({@code user}) or an API key ({@code apikey}). */
    public record ActorView(String type, UUID id) {
    }

    /** A usage record as the API shows it. */
    public record UsageView(UUID id, Instant occurredAt, ActorView actor, String provider, String model, String region,
                            String purpose, String promptSha256, String outputSha256, Integer inputTokens,
                            Integer outputTokens, BigDecimal costUsd, BigDecimal latencyMs, String outcome) {
    }

    /** One call's receipt, as written. */
    record Row(UUID id, Instant occurredAt, UUID userId, UUID apiKeyId, String purpose, String provider, String model,
               String region, byte[] promptSha256, byte[] outputSha256, List<Map<String, String>> contextRefs,
               BigDecimal latencyMs, BigDecimal overheadMs, Integer inputTokens, Integer outputTokens, BigDecimal costUsd,
               String outcome, String problem) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final ObjectMapper json;

    UsageRecords(JdbcClient jdbc, TenantScope tenantScope, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.json = json;
    }

    /** Writes {@code row} for {@code org}, in the caller's tenant-bound transaction. */
    void insert(UUID org, Row row) {
        jdbc.sql("""
                        INSERT INTO ai_usage (tenant_id, id, user_id, api_key_id, feature, model, provider, region, prompt_sha256,
                                              output_sha256, context_refs, latency_ms, overhead_ms, input_tokens, output_tokens,
                                              cost_usd, outcome, problem, occurred_at)
                        VALUES (:org, :id, :user, :key, :purpose, :model, :provider, :region, :prompt, :output,
                                CAST(:refs AS jsonb), :latency, :overhead, :inputTokens, :outputTokens, :cost, :outcome, :problem,
                                :at)
                        """)
                .param("org", org)
                .param("id", row.id())
                .param("user", row.userId())
                .param("key", row.apiKeyId())
                .param("purpose", row.purpose())
                .param("model", row.model())
                .param("provider", row.provider())
                .param("region", row.region())
                .param("prompt", row.promptSha256())
                .param("output", row.outputSha256())
                .param("refs", json.writeValueAsString(row.contextRefs()))
                .param("latency", row.latencyMs())
                .param("overhead", row.overheadMs())
                .param("inputTokens", row.inputTokens(), java.sql.Types.INTEGER)
                .param("outputTokens", row.outputTokens(), java.sql.Types.INTEGER)
                .param("cost", row.costUsd(), java.sql.Types.NUMERIC)
                .param("outcome", row.outcome())
                .param("problem", row.problem())
                .param("at", Timestamp.from(row.occurredAt()))
                .update();
    }

    /** The organisation's records between {@code from} (inclusive) and {@code to} (exclusive), newest first. */
    public Page<UsageView> list(Caller caller, Instant from, Instant to, PageRequest request) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidInputException("to", "must be after from");
        }
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> request.fetchNewestFirst(jdbc.sql("""
                                SELECT id, occurred_at, user_id, api_key_id, provider, model, region, feature, prompt_sha256,
                                       output_sha256, input_tokens, output_tokens, cost_usd, latency_ms, outcome
                                FROM ai_usage
                                WHERE tenant_id = :org AND occurred_at >= :from AND occurred_at < :to
                                  AND (occurred_at, id) < (:afterAt, :afterId)
                                ORDER BY occurred_at DESC, id DESC LIMIT :limit
                                """)
                        .param("org", caller.orgId())
                        .param("from", Timestamp.from(from == null ? Instant.EPOCH : from))
                        .param("to", Timestamp.from(to == null ? Instant.ofEpochSecond(253_402_300_799L) : to)),
                UsageRecords::view, v -> new PageRequest.Position(v.occurredAt(), v.id())));
    }

    private static UsageView view(ResultSet rs, int row) throws SQLException {
        UUID key = rs.getObject("api_key_id", UUID.class);
        UUID user = rs.getObject("user_id", UUID.class);
        ActorView actor = key != null ? new ActorView("apikey", key) : new ActorView("user", user);
        return new UsageView(rs.getObject("id", UUID.class), rs.getTimestamp("occurred_at").toInstant(), actor,
                rs.getString("provider"), rs.getString("model"), rs.getString("region"), rs.getString("feature"),
                hex(rs.getBytes("prompt_sha256")), hex(rs.getBytes("output_sha256")),
                rs.getObject("input_tokens", Integer.class), rs.getObject("output_tokens", Integer.class),
                plain(rs.getBigDecimal("cost_usd")), plain(rs.getBigDecimal("latency_ms")), rs.getString("outcome"));
    }

    /** Without trailing zeros, and never in exponent form ({@code 10}, not {@code 1E+1}). */
    static BigDecimal plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    static String hex(byte[] bytes) {
        return bytes == null ? null : HEX.formatHex(bytes);
    }
}
