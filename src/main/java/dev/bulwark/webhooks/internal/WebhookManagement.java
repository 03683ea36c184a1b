package dev.bulwark.webhooks.internal;

import java.net.URI;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.egress.Egress;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Managing an organisation's webhooks (docs/webhooks.md): registering one (a person with step-up; the destination
 * checked by egress), listing, reading, changing (a new URL again needs a person with step-up and egress's check),
 * deleting (switching one off gives up its waiting deliveries), rotating its secret (a person with step-up; the previous secret keeps signing for 24 hours), and its
 * delivery log with manual retries. The secret is shown once, at creation or rotation, and stored only under the
 * organisation's key. Each change appends its event to the organisation's audit chain in the changing transaction;
 * the events name the destination (scheme, host and port), never the URL's path or query, which may carry a token.
 */
@Service
public class WebhookManagement {

    /** The most webhooks one organisation may register: each event is delivered once to each. */
    public static final int MAX_PER_ORGANISATION = 20;
    /** How long the previous secret keeps signing after a rotation. */
    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    public static final String STANDARD = "standard";
    public static final String OCSF = "ocsf";
    public static final String ALL_EVENTS = "*";

    /** A webhook as lists and reads show it: never its secret. */
    public record WebhookView(UUID id, String url, List<String> events, String format, boolean enabled, Instant createdAt) {
    }

    /** A webhook just registered: the only answer besides a rotation that shows {@code secret}. */
    public record CreatedWebhook(UUID id, String url, List<String> events, String format, String secret, boolean enabled,
                                 Instant createdAt) {

        @Override
        public String toString() {
            return "CreatedWebhook[id=" + id + "]";
        }
    }

    /** A rotated secret, shown once. */
    public record RotatedSecret(String secret) {

        @Override
        public String toString() {
            return "RotatedSecret[…]";
        }
    }

    /** One delivery in the log. {@code attempt} counts from 1: the attempt made last, or the first one while none is. */
    public record DeliveryView(UUID id, UUID eventId, String eventType, int attempt, String status, Integer responseStatus,
                               Instant createdAt, Instant nextAttemptAt) {
    }

    /** A change to a webhook; a null field is left as it is. */
    public record Change(String url, List<String> events, Boolean enabled) {
    }

    /** The details of the webhooks' events (docs/audit-events.md): never the secret, never the URL's path or query. */
    static final String DESTINATION = "destination";
    static final String EVENTS = "events";
    static final String FORMAT = "format";
    static final String ENABLED = "enabled";
    static final String PREVIOUS_VALID_UNTIL = "previousSecretValidUntil";

    private static final String VIEW_COLUMNS = "id, url, events, format, enabled, created_at";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RecentFactor recentFactor;
    private final AuditLog audit;
    private final FieldCipher cipher;
    private final Egress egress;
    private final DeliveryWorker worker;
    private final Clock clock;

    WebhookManagement(JdbcClient jdbc, TenantScope tenantScope, RecentFactor recentFactor, AuditLog audit, FieldCipher cipher,
                      Egress egress, DeliveryWorker worker, ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.recentFactor = recentFactor;
        this.audit = audit;
        this.cipher = cipher;
        this.egress = egress;
        this.worker = worker;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    public CreatedWebhook create(Caller caller, String url, List<String> events, String format) {
        requirePersonWithStepUp(caller, "register a webhook");
        List<String> types = events(events);
        String shape = format == null ? STANDARD : format;
        if (!shape.equals(STANDARD) && !shape.equals(OCSF)) {
            throw new InvalidInputException(FORMAT, "must be \"standard\" or \"ocsf\"");
        }
        egress.check(url);
        Instant now = now();
        UUID id = Ids.newId();
        String secret = Signatures.newSecret();
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            long registered = jdbc.sql("SELECT count(*) FROM webhooks WHERE tenant_id = :org")
                    .param("org", caller.orgId()).query(Long.class).single();
            if (registered >= MAX_PER_ORGANISATION) {
                throw new ConflictException("An organisation may register at most " + MAX_PER_ORGANISATION + " webhooks.");
            }
            jdbc.sql("""
                            INSERT INTO webhooks (tenant_id, id, url, events, format, secret_ct, created_by, created_at, updated_at)
                            VALUES (:org, :id, :url, :events, :format, :secret, :creator, :now, :now)
                            """)
                    .param("org", caller.orgId())
                    .param("id", id)
                    .param("url", url)
                    .param("events", types.toArray(String[]::new))
                    .param("format", shape)
                    .param("secret", cipher.encrypt(secretField(caller.orgId(), id), secret))
                    .param("creator", caller.userId())
                    .param("now", Timestamp.from(now))
                    .update();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put(DESTINATION, destination(url));
            details.put(EVENTS, types);
            details.put(FORMAT, shape);
            audit.callerAction(caller, AuditType.WEBHOOK_CREATED, webhook(id), details);
        });
        return new CreatedWebhook(id, url, types, shape, secret, true, now);
    }

    public Page<WebhookView> list(Caller caller, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> request.fetch(jdbc.sql("""
                        SELECT %s FROM webhooks
                        WHERE tenant_id = :org AND (created_at, id) > (:afterAt, :afterId)
                        ORDER BY created_at, id LIMIT :limit
                        """.formatted(VIEW_COLUMNS))
                .param("org", caller.orgId()), WebhookManagement::view, w -> new PageRequest.Position(w.createdAt(), w.id())));
    }

    public WebhookView get(Caller caller, UUID webhookId) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> find(caller.orgId(), webhookId));
    }

    /**
     * Changes what {@code change} names. A new URL is checked by egress like a registration's and needs a person with
     * step-up (it redirects where the organisation's events go); enabling a disabled webhook starts its failure count
     * afresh.
     */
    public WebhookView update(Caller caller, UUID webhookId, Change change) {
        List<String> types = change.events() == null ? null : events(change.events());
        if (change.url() != null) {
            requirePersonWithStepUp(caller, "change a webhook's URL");
            egress.check(change.url());
        }
        Instant now = now();
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            WebhookView before = find(caller.orgId(), webhookId);
            String url = change.url() == null ? before.url() : change.url();
            List<String> events = types == null ? before.events() : types;
            boolean enabled = change.enabled() == null ? before.enabled() : change.enabled();
            jdbc.sql("""
                            UPDATE webhooks SET url = :url, events = :events, enabled = :enabled, updated_at = :now,
                                failing_since = CASE WHEN :enabling THEN NULL ELSE failing_since END,
                                disabled_at = CASE WHEN :enabling THEN NULL ELSE disabled_at END
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("org", caller.orgId())
                    .param("id", webhookId)
                    .param("url", url)
                    .param("events", events.toArray(String[]::new))
                    .param("enabled", enabled)
                    .param("enabling", enabled && !before.enabled())
                    .param("now", Timestamp.from(now))
                    .update();
            if (!enabled && before.enabled()) {
                DeliveryWorker.dropWaiting(jdbc, caller.orgId(), webhookId);
            }
            Map<String, Object> was = new LinkedHashMap<>();
            Map<String, Object> is = new LinkedHashMap<>();
            if (!url.equals(before.url())) {
                was.put(DESTINATION, destination(before.url()));
                is.put(DESTINATION, destination(url));
            }
            if (!events.equals(before.events())) {
                was.put(EVENTS, before.events());
                is.put(EVENTS, events);
            }
            if (enabled != before.enabled()) {
                was.put(ENABLED, before.enabled());
                is.put(ENABLED, enabled);
            }
            audit.callerAction(caller, AuditType.WEBHOOK_UPDATED, webhook(webhookId), was, is);
            return new WebhookView(webhookId, url, events, before.format(), enabled, before.createdAt());
        });
    }

    /** Deletes the webhook and its delivery log; what is still due is not sent. */
    public void delete(Caller caller, UUID webhookId) {
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            String url = jdbc.sql("DELETE FROM webhooks WHERE tenant_id = :org AND id = :id RETURNING url")
                    .param("org", caller.orgId())
                    .param("id", webhookId)
                    .query(String.class)
                    .optional()
                    .orElseThrow(WebhookManagement::notFound);
            audit.callerAction(caller, AuditType.WEBHOOK_DELETED, webhook(webhookId), Map.of(DESTINATION, destination(url)), null);
        });
    }

    /**
     * A new secret for the webhook, shown once. The previous one keeps signing (a second signature on every delivery)
     * for {@link #ROTATION_OVERLAP}, so a receiver can switch without losing a delivery; one rotated earlier is dropped.
     */
    public RotatedSecret rotate(Caller caller, UUID webhookId) {
        requirePersonWithStepUp(caller, "rotate a webhook's secret");
        Instant now = now();
        Instant previousUntil = now.plus(ROTATION_OVERLAP);
        String fresh = Signatures.newSecret();
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            byte[] current = jdbc.sql("SELECT secret_ct FROM webhooks WHERE tenant_id = :org AND id = :id FOR UPDATE")
                    .param("org", caller.orgId())
                    .param("id", webhookId)
                    .query(byte[].class)
                    .optional()
                    .orElseThrow(WebhookManagement::notFound);
            String previous = cipher.decrypt(secretField(caller.orgId(), webhookId), current);
            jdbc.sql("""
                            UPDATE webhooks SET secret_ct = :fresh, previous_secret_ct = :previous,
                                previous_secret_expires_at = :until, updated_at = :now
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("org", caller.orgId())
                    .param("id", webhookId)
                    .param("fresh", cipher.encrypt(secretField(caller.orgId(), webhookId), fresh))
                    .param("previous", cipher.encrypt(previousSecretField(caller.orgId(), webhookId), previous))
                    .param("until", Timestamp.from(previousUntil))
                    .param("now", Timestamp.from(now))
                    .update();
            audit.callerAction(caller, AuditType.WEBHOOK_SECRET_ROTATED, webhook(webhookId),
                    Map.of(PREVIOUS_VALID_UNTIL, previousUntil));
        });
        return new RotatedSecret(fresh);
    }

    /** The webhook's deliveries, newest first. */
    public Page<DeliveryView> deliveries(Caller caller, UUID webhookId, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            find(caller.orgId(), webhookId);
            return request.fetchNewestFirst(jdbc.sql("""
                                    SELECT id, event_id, event_type, attempts, status, response_status, created_at, next_attempt_at
                                    FROM webhook_deliveries
                                    WHERE tenant_id = :org AND webhook_id = :webhook AND (created_at, id) < (:afterAt, :afterId)
                                    ORDER BY created_at DESC, id DESC LIMIT :limit
                                    """)
                            .param("org", caller.orgId())
                            .param("webhook", webhookId),
                    WebhookManagement::delivery, d -> new PageRequest.Position(d.createdAt(), d.id()));
        });
    }

    /**
     * Makes the delivery due now, whatever its state: the same delivery (the same {@code webhook-id}) is attempted
     * again shortly after this commits, as attempt + 1. Refused for a disabled webhook (enable it first).
     */
    public void retry(Caller caller, UUID webhookId, UUID deliveryId) {
        Instant now = now();
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            WebhookView webhook = find(caller.orgId(), webhookId);
            int found = jdbc.sql("""
                            UPDATE webhook_deliveries SET next_attempt_at = :now
                            WHERE tenant_id = :org AND webhook_id = :webhook AND id = :id
                            """)
                    .param("org", caller.orgId())
                    .param("webhook", webhookId)
                    .param("id", deliveryId)
                    .param("now", Timestamp.from(now))
                    .update();
            if (found == 0) {
                throw new NotFoundException("There is no such delivery.");
            }
            if (!webhook.enabled()) {
                throw new ConflictException("The webhook is disabled: enable it before retrying its deliveries.");
            }
            jdbc.sql("""
                            INSERT INTO webhook_queue (delivery_id, tenant_id, due_at) VALUES (:id, :org, :now)
                            ON CONFLICT (delivery_id) DO UPDATE SET due_at = excluded.due_at
                            """)
                    .param("org", caller.orgId())
                    .param("id", deliveryId)
                    .param("now", Timestamp.from(now))
                    .update();
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        worker.wake();
                    }
                });
            }
        });
    }

    private void requirePersonWithStepUp(Caller caller, String action) {
        if (caller.isApiKey()) {
            throw new ForbiddenException("An API key cannot " + action + "; sign in as a person.");
        }
        recentFactor.require(caller);
    }

    private WebhookView find(UUID org, UUID webhookId) {
        return jdbc.sql("SELECT %s FROM webhooks WHERE tenant_id = :org AND id = :id".formatted(VIEW_COLUMNS))
                .param("org", org)
                .param("id", webhookId)
                .query(WebhookManagement::view)
                .optional()
                .orElseThrow(WebhookManagement::notFound);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The event types a webhook subscribes to: at least one, each an audit event type's dotted name or "*". */
    static List<String> events(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw new InvalidInputException(EVENTS, "must name at least one event type, or \"*\"");
        }
        if (events.size() > 100) {
            throw new InvalidInputException(EVENTS, "must name at most 100 event types");
        }
        List<InvalidInputException.FieldProblem> problems = new ArrayList<>();
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (int i = 0; i < events.size(); i++) {
            String type = events.get(i);
            if (type == null || !type.equals(ALL_EVENTS) && AuditType.find(type) == null) {
                problems.add(new InvalidInputException.FieldProblem(EVENTS + "[" + i + "]",
                        "is not an audit event type (docs/audit-events.md) or \"*\""));
            } else {
                types.add(type);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(types);
    }

    /** Where a URL delivers to, for the audit trail: its scheme, host and port, without path, query or user information. */
    static String destination(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(unparsed)";
        }
    }

    static FieldCipher.Field secretField(UUID org, UUID webhookId) {
        return new FieldCipher.Field(org, "webhooks", "secret", webhookId);
    }

    static FieldCipher.Field previousSecretField(UUID org, UUID webhookId) {
        return new FieldCipher.Field(org, "webhooks", "previous_secret", webhookId);
    }

    static Entity webhook(UUID id) {
        return Entity.of("webhook", id);
    }

    private static NotFoundException notFound() {
        return new NotFoundException("There is no such webhook.");
    }

    private static WebhookView view(ResultSet rs, int row) throws SQLException {
        return new WebhookView(rs.getObject("id", UUID.class), rs.getString("url"), textArray(rs.getArray("events")),
                rs.getString("format"), rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant());
    }

    private static DeliveryView delivery(ResultSet rs, int row) throws SQLException {
        Timestamp next = rs.getTimestamp("next_attempt_at");
        Integer responseStatus = rs.getObject("response_status", Integer.class);
        return new DeliveryView(rs.getObject("id", UUID.class), rs.getObject("event_id", UUID.class), rs.getString("event_type"),
                Math.max(1, rs.getInt("attempts")), rs.getString("status"), responseStatus,
                rs.getTimestamp("created_at").toInstant(), next == null ? null : next.toInstant());
    }

    static List<String> textArray(Array array) throws SQLException {
        return List.copyOf(Arrays.asList((String[]) array.getArray()));
    }
}
