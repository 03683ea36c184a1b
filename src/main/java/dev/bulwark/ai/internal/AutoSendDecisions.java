package dev.bulwark.ai.internal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Auto-send decisions (docs/ai-gateway.md#auto-send): a product that would send an AI answer without a person reading it
 * first asks here. The answer's score is compared with the organisation's threshold as it stands in the same
 * transaction; the score, the threshold and the decision are written once, with an {@code ai.auto_send.decided} event
 * as the receipt. Without a threshold the decision is always {@code hold}: Bulwark never sends above a threshold the
 * organisation did not set (a table constraint says the same, so no code path can store otherwise).
 */
@Service
public class AutoSendDecisions {

    /** Why the decision fell as it did. */
    public enum Reason {
        THRESHOLD_NOT_SET("threshold-not-set"), BELOW_THRESHOLD("below-threshold"), AT_OR_ABOVE_THRESHOLD("at-or-above-threshold");

        private final String slug;

        Reason(String slug) {
            this.slug = slug;
        }

        public String slug() {
            return slug;
        }
    }

    /** A decision as the API shows it. */
    public record Decision(UUID id, UUID completionId, String channel, BigDecimal score, BigDecimal threshold,
                           String decision, String reason, Instant decidedAt) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final AuditLog audit;
    private final Clock clock;

    AutoSendDecisions(JdbcClient jdbc, TenantScope tenantScope, AuditLog audit, ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.audit = audit;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** The decision for an answer: {@code score} in [0, 1] with at most three decimals (checked by the caller). */
    public Decision decide(Caller caller, UUID completionId, String channel, BigDecimal score) {
        BigDecimal given = UsageRecords.plain(score);
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            String outcome = jdbc.sql("SELECT outcome FROM ai_usage WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId())
                    .param("id", completionId)
                    .query(String.class)
                    .optional()
                    .orElseThrow(() -> new NotFoundException("no completion " + completionId + " in this organisation"));
            if (!"answered".equals(outcome)) {
                throw new RefusedException(409, "completion-not-answered", "The completion has no answer",
                        "only an answered completion can be sent; this one was " + (outcome == null ? "recorded before the gateway" : outcome));
            }
            // The policy row is read under a share lock: a threshold change waits for this decision, and the decision
            // is made against the threshold that stands when it commits.
            BigDecimal threshold = jdbc.sql("SELECT auto_send_threshold FROM ai_policies WHERE tenant_id = :org FOR SHARE")
                    .param("org", caller.orgId())
                    .query((rs, row) -> UsageRecords.plain(rs.getBigDecimal(1)))
                    .optional()
                    .orElse(null);
            Reason reason = threshold == null ? Reason.THRESHOLD_NOT_SET
                    : given.compareTo(threshold) >= 0 ? Reason.AT_OR_ABOVE_THRESHOLD : Reason.BELOW_THRESHOLD;
            String decision = reason == Reason.AT_OR_ABOVE_THRESHOLD ? "send" : "hold";
            UUID id = Ids.newId();
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            try {
                jdbc.sql("""
                                INSERT INTO ai_auto_send_decisions (tenant_id, id, completion_id, channel, score, threshold, decision,
                                                                    user_id, api_key_id, decided_at)
                                VALUES (:org, :id, :completion, :channel, :score, :threshold, :decision, :user, :key, :at)
                                """)
                        .param("org", caller.orgId())
                        .param("id", id)
                        .param("completion", completionId)
                        .param("channel", channel)
                        .param("score", given, java.sql.Types.NUMERIC)
                        .param("threshold", threshold, java.sql.Types.NUMERIC)
                        .param("decision", decision)
                        .param("user", caller.isApiKey() ? null : caller.userId())
                        .param("key", caller.apiKeyId())
                        .param("at", Timestamp.from(now))
                        .update();
            } catch (DuplicateKeyException e) {
                throw new ConflictException("completion " + completionId + " already has its auto-send decision");
            }
            Decision made = new Decision(id, completionId, channel, given, threshold, decision, reason.slug(), now);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("completionId", completionId.toString());
            details.put("channel", channel);
            details.put("score", given.toPlainString());
            details.put("threshold", threshold == null ? null : threshold.toPlainString());
            details.put("decision", decision);
            details.put("reason", reason.slug());
            audit.callerAction(caller, AuditType.AI_AUTO_SEND_DECIDED, Entity.of("ai_auto_send_decision", id), details);
            return made;
        });
    }

    /** The organisation's decisions, newest first. */
    public Page<Decision> list(Caller caller, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> request.fetchNewestFirst(jdbc.sql("""
                                SELECT id, completion_id, channel, score, threshold, decision, decided_at
                                FROM ai_auto_send_decisions
                                WHERE tenant_id = :org AND (decided_at, id) < (:afterAt, :afterId)
                                ORDER BY decided_at DESC, id DESC LIMIT :limit
                                """)
                        .param("org", caller.orgId()),
                AutoSendDecisions::decision, d -> new PageRequest.Position(d.decidedAt(), d.id())));
    }

    private static Decision decision(ResultSet rs, int row) throws SQLException {
        BigDecimal score = UsageRecords.plain(rs.getBigDecimal("score"));
        BigDecimal threshold = UsageRecords.plain(rs.getBigDecimal("threshold"));
        Reason reason = threshold == null ? Reason.THRESHOLD_NOT_SET
                : score.compareTo(threshold) >= 0 ? Reason.AT_OR_ABOVE_THRESHOLD : Reason.BELOW_THRESHOLD;
        return new Decision(rs.getObject("id", UUID.class), rs.getObject("completion_id", UUID.class), rs.getString("channel"),
                score, threshold, rs.getString("decision"), reason.slug(), rs.getTimestamp("decided_at").toInstant());
    }
}
