package dev.bulwark.billing.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.billing.BillingProperties;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Stripe's webhook (docs/billing.md): the signature is checked over the raw body before a byte of it is parsed; then
 * {@code customer.subscription.created}, {@code .updated} and {@code .deleted} events whose subscription's
 * {@code metadata.organisationId} names an organisation set that organisation's subscription, once per event id and
 * never over the state a newer event left, with {@code billing.subscription.updated} in the same transaction. Every
 * other signed event is acknowledged and changes nothing.
 */
@Service
public class BillingWebhooks {

    /** What became of a signed event; the answer's {@code outcome}. */
    public enum Outcome {
        /** It set the organisation's subscription. */
        applied,
        /** Its organisation's subscription was already set by a newer event (or one of the same time and rank). */
        superseded,
        /** Its id was received before for this organisation. */
        duplicate,
        /** Not a subscription event, or its subscription names no organisation of this installation. */
        ignored
    }

    /** The details of {@code billing.subscription.updated} (docs/audit-events.md). */
    static final String EVENT_ID = "eventId";
    static final String EVENT_TYPE = "eventType";
    static final String SUBSCRIPTION_ID = "subscriptionId";
    static final String PLAN = "plan";
    static final String STATUS = "status";
    static final String CURRENT_PERIOD_END = "currentPeriodEnd";

    /** The subscription events applied, each with its rank among events of the same second. */
    private static final Map<String, Integer> RANKS = Map.of(
            "customer.subscription.created", 0,
            "customer.subscription.updated", 1,
            "customer.subscription.deleted", 2);

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final StripeSignature signature;

    BillingWebhooks(JdbcClient jdbc, TenantScope tenantScope, AuditLog audit, ObjectMapper json, BillingProperties properties,
                    ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.audit = audit;
        this.json = json;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.signature = properties.stripe().configured() ? new StripeSignature(properties.stripe().webhookSecret()) : null;
    }

    /**
     * Receives one delivery. Without a configured secret there is no endpoint (404); a missing, malformed, wrong or
     * stale signature is refused (400) before the body is parsed; a signed body that is no event is refused too (400).
     * Nothing is stored in any of these cases.
     */
    public Outcome receive(String signatureHeader, byte[] body) {
        if (signature == null) {
            throw new NotFoundException("There is no such endpoint.");
        }
        byte[] raw = body == null ? new byte[0] : body;
        signature.verify(signatureHeader, raw, clock.instant());
        JsonNode event;
        try {
            event = raw.length == 0 ? null : json.readTree(raw);
        } catch (JacksonException e) {
            throw new InvalidInputException("body", "is not a JSON object");
        }
        if (event == null || !event.isObject()) {
            throw new InvalidInputException("body", "is not a JSON object");
        }
        String eventId = text(event, "id", "id", 255, true);
        String type = text(event, "type", "type", 255, true);
        Integer rank = RANKS.get(type);
        if (rank == null) {
            return Outcome.ignored;
        }
        Instant created = seconds(event.get("created"), "created", true);
        JsonNode subscription = event.path("data").path("object");
        if (!subscription.isObject()) {
            throw new InvalidInputException("data.object", "must be the subscription");
        }
        UUID orgId = organisationOf(subscription);
        if (orgId == null) {
            return Outcome.ignored;
        }
        String subscriptionId = text(subscription, "id", "data.object.id", 255, true);
        String status = type.equals("customer.subscription.deleted") ? "canceled"
                : text(subscription, "status", "data.object.status", 64, true);
        if (!status.matches("[a-z_]{1,64}")) {
            throw new InvalidInputException("data.object.status", "is not a subscription status");
        }
        JsonNode firstItem = subscription.path("items").path("data").path(0);
        String plan = text(subscription.path("metadata"), "plan", "data.object.metadata.plan", 255, false);
        if (plan == null) {
            plan = text(firstItem.path("price"), "id", "data.object.items.data[0].price.id", 255, false);
        }
        // Stripe moved current_period_end from the subscription to its items (API version 2025-03-31); either is read.
        Instant periodEnd = seconds(subscription.get("current_period_end"), "data.object.current_period_end", false);
        if (periodEnd == null) {
            periodEnd = seconds(firstItem.get("current_period_end"), "data.object.items.data[0].current_period_end", false);
        }
        Change change = new Change(orgId, eventId, type, rank, created, subscriptionId, plan, status, periodEnd);
        return tenantScope.inTenant(orgId, null, () -> apply(change));
    }

    private record Change(UUID orgId, String eventId, String type, int rank, Instant created, String subscriptionId,
                          String plan, String status, Instant periodEnd) {
    }

    /** In the organisation's transaction: the event's id first (a redelivery stops there), then the state, then audit. */
    private Outcome apply(Change change) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        boolean first = jdbc.sql("""
                        INSERT INTO billing_events (tenant_id, event_id, event_type, event_created, applied, received_at)
                        VALUES (:org, :event, :type, :created, false, :now)
                        ON CONFLICT (tenant_id, event_id) DO NOTHING
                        """)
                .param("org", change.orgId())
                .param("event", change.eventId())
                .param("type", change.type())
                .param("created", Timestamp.from(change.created()))
                .param("now", Timestamp.from(now))
                .update() == 1;
        if (!first) {
            return Outcome.duplicate;
        }
        // One statement decides and writes, so two deliveries at once cannot both win: the row's lock orders them.
        boolean applied = jdbc.sql("""
                        INSERT INTO billing_subscriptions (tenant_id, subscription_id, plan, status, current_period_end, event_id,
                                                           event_created, event_rank, updated_at)
                        VALUES (:org, :subscription, :plan, :status, :periodEnd, :event, :created, :rank, :now)
                        ON CONFLICT (tenant_id) DO UPDATE SET
                            subscription_id = EXCLUDED.subscription_id, plan = EXCLUDED.plan, status = EXCLUDED.status,
                            current_period_end = EXCLUDED.current_period_end, event_id = EXCLUDED.event_id,
                            event_created = EXCLUDED.event_created, event_rank = EXCLUDED.event_rank, updated_at = EXCLUDED.updated_at
                        WHERE (billing_subscriptions.event_created, billing_subscriptions.event_rank)
                            < (EXCLUDED.event_created, EXCLUDED.event_rank)
                        """)
                .param("org", change.orgId())
                .param("subscription", change.subscriptionId())
                .param("plan", change.plan())
                .param("status", change.status())
                .param("periodEnd", change.periodEnd() == null ? null : Timestamp.from(change.periodEnd()))
                .param("event", change.eventId())
                .param("created", Timestamp.from(change.created()))
                .param("rank", change.rank())
                .param("now", Timestamp.from(now))
                .update() == 1;
        if (!applied) {
            return Outcome.superseded;
        }
        jdbc.sql("UPDATE billing_events SET applied = true WHERE tenant_id = :org AND event_id = :event")
                .param("org", change.orgId())
                .param("event", change.eventId())
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(EVENT_ID, change.eventId());
        details.put(EVENT_TYPE, change.type());
        details.put(SUBSCRIPTION_ID, change.subscriptionId());
        details.put(PLAN, change.plan());
        details.put(STATUS, change.status());
        details.put(CURRENT_PERIOD_END, change.periodEnd());
        audit.systemAction(change.orgId(), AuditType.BILLING_SUBSCRIPTION_UPDATED, "stripe " + change.type(), details);
        return Outcome.applied;
    }

    /**
     * The organisation the subscription's {@code metadata.organisationId} names, or null when it names none: absent, not
     * a UUID, the platform organisation, unknown, or purged.
     */
    private UUID organisationOf(JsonNode subscription) {
        JsonNode named = subscription.path("metadata").path("organisationId");
        if (!named.isString()) {
            return null;
        }
        UUID id;
        try {
            id = UUID.fromString(named.asString());
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
        if (!id.toString().equalsIgnoreCase(named.asString()) || id.equals(Organisation.PLATFORM_ID)) {
            return null;
        }
        boolean known = jdbc.sql("SELECT count(*) FROM organisations WHERE id = :id AND purged_at IS NULL")
                .param("id", id)
                .query(Long.class)
                .single() > 0;
        return known ? id : null;
    }

    /** The text at {@code field} of {@code node}: 1 to {@code max} characters; null when absent and not required. */
    private static String text(JsonNode node, String field, String name, int max, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isString() && value.asString().isEmpty()) {
            if (required) {
                throw new InvalidInputException(name, "is required");
            }
            return null;
        }
        if (!value.isString() || value.asString().length() > max || value.asString().chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(name, "must be text of at most " + max + " characters");
        }
        return value.asString();
    }

    /** A Unix time in seconds; null when absent and not required. */
    private static Instant seconds(JsonNode value, String name, boolean required) {
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidInputException(name, "is required");
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0 || value.asLong() > 253_402_300_799L) {
            throw new InvalidInputException(name, "must be a Unix time in seconds");
        }
        return Instant.ofEpochSecond(value.asLong());
    }
}
