package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditType;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.Channel;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Interactions with a contact: calls, emails, chats, notes. Correcting or deleting one is how the right to
 * rectification is exercised, so both are ordinary writes. Bodies are plain text, never interpreted as markup.
 */
@Service
public class Interactions {

    /** An interaction as the API shows it. */
    public record Interaction(UUID id, UUID contactId, Channel channel, String subject, String body, Instant occurredAt,
                              int version, Instant createdAt, Instant updatedAt) implements Rows.Listed {
    }

    /** The columns {@link #map} reads. */
    public static final String COLUMNS = """
            tenant_id, id, contact_id, channel, subject_ct, body_ct, subject, body, occurred_at, version, created_at, updated_at""";

    /** The details of the {@code interaction.*} events ({@link #audited}); the body by its length. */
    static final String CONTACT_ID = "contactId";
    static final String CHANNEL = "channel";
    static final String SUBJECT = "subject";
    static final String OCCURRED_AT = "occurredAt";
    /** The detail of {@code contact.read} for a contact's interactions returned: their ids. */
    static final String INTERACTION_IDS = "interactionIds";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Contacts contacts;
    private final WorkspaceAudit audit;
    private final Sealed sealed;

    Interactions(JdbcClient jdbc, TenantScope tenantScope, Contacts contacts, WorkspaceAudit audit, Sealed sealed) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.contacts = contacts;
        this.audit = audit;
        this.sealed = sealed;
    }

    /** Records an interaction; {@code occurredAt} defaults to now. */
    public Interaction create(Caller caller, UUID contactId, Channel channel, String subject, String body, Instant occurredAt) {
        Instant now = Rows.now();
        Interaction interaction = new Interaction(Ids.newId(), contactId, channel, subject, body,
                occurredAt == null ? now : occurredAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS), 1, now, now);
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            contacts.requireParent(caller.orgId(), contactId, true);
            jdbc.sql("""
                            INSERT INTO interactions (tenant_id, id, contact_id, channel, subject_ct, body_ct, occurred_at, version,
                                                      created_at, updated_at)
                            VALUES (:org, :id, :contact, :channel, :subject, :body, :occurredAt, 1, :now, :now)
                            """)
                    .param("org", caller.orgId())
                    .param("id", interaction.id())
                    .param("contact", contactId)
                    .param("channel", channel.wire())
                    .param("subject", sealed.seal(caller.orgId(), "interactions", "subject", interaction.id(), subject))
                    .param("body", sealed.seal(caller.orgId(), "interactions", "body", interaction.id(), body))
                    .param("occurredAt", Rows.ts(interaction.occurredAt()))
                    .param("now", Rows.ts(now))
                    .update();
            audit.created(caller, AuditType.INTERACTION_CREATED, "interaction", interaction.id(), audited(interaction));
            return interaction;
        });
    }

    /** One page of the contact's interactions, in the order they were recorded. */
    public Page<Interaction> list(Caller caller, UUID contactId, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            contacts.requireParent(caller.orgId(), contactId, false);
            Page<Interaction> page = Rows.page(jdbc.sql("""
                            SELECT %s FROM interactions
                            WHERE tenant_id = :org AND contact_id = :contact AND (created_at, id) > (:afterAt, :afterId)
                            ORDER BY created_at, id LIMIT :limit
                            """.formatted(COLUMNS))
                    .param("org", caller.orgId())
                    .param("contact", contactId), request, this::map);
            audit.contactsRead(caller, contactId, INTERACTION_IDS, page.items().stream().map(Interaction::id).toList());
            return page;
        });
    }

    public Interaction get(Caller caller, UUID contactId, UUID interactionId) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Interaction interaction = find(caller.orgId(), contactId, interactionId, false);
            audit.contactsRead(caller, contactId, INTERACTION_IDS, List.of(interaction.id()));
            return interaction;
        });
    }

    public Interaction update(Caller caller, UUID contactId, UUID interactionId, IfMatch ifMatch, Edit<Channel> channel,
                              Edit<String> subject, Edit<String> body, Edit<Instant> occurredAt) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Interaction current = find(caller.orgId(), contactId, interactionId, true);
            ifMatch.requireMatches(current.version());
            Instant when = occurredAt.applyTo(current.occurredAt());
            Interaction next = new Interaction(current.id(), contactId, channel.applyTo(current.channel()),
                    subject.applyTo(current.subject()), body.applyTo(current.body()),
                    when.truncatedTo(java.time.temporal.ChronoUnit.MICROS), current.version() + 1, current.createdAt(), Rows.now());
            jdbc.sql("""
                            UPDATE interactions SET channel = :channel, subject_ct = :subject, body_ct = :body, subject = NULL,
                                body = NULL, occurred_at = :occurredAt, version = :version, updated_at = :now
                            WHERE tenant_id = :org AND id = :id
                            """)
                    .param("channel", next.channel().wire())
                    .param("subject", sealed.seal(caller.orgId(), "interactions", "subject", interactionId, next.subject()))
                    .param("body", sealed.seal(caller.orgId(), "interactions", "body", interactionId, next.body()))
                    .param("occurredAt", Rows.ts(next.occurredAt()))
                    .param("version", next.version())
                    .param("now", Rows.ts(next.updatedAt()))
                    .param("org", caller.orgId())
                    .param("id", interactionId)
                    .update();
            audit.updated(caller, AuditType.INTERACTION_UPDATED, "interaction", interactionId, audited(current), audited(next));
            return next;
        });
    }

    public void delete(Caller caller, UUID contactId, UUID interactionId, IfMatch ifMatch) {
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Interaction current = find(caller.orgId(), contactId, interactionId, true);
            ifMatch.requireMatches(current.version());
            jdbc.sql("DELETE FROM interactions WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId())
                    .param("id", interactionId)
                    .update();
            audit.deleted(caller, AuditType.INTERACTION_DELETED, "interaction", interactionId, audited(current));
        });
    }

    /** 404 unless the interaction exists on this contact of this organisation. */
    private Interaction find(UUID orgId, UUID contactId, UUID interactionId, boolean lock) {
        return jdbc.sql("SELECT %s FROM interactions WHERE tenant_id = :org AND contact_id = :contact AND id = :id %s"
                        .formatted(COLUMNS, lock ? "FOR UPDATE" : ""))
                .param("org", orgId)
                .param("contact", contactId)
                .param("id", interactionId)
                .query(this::map)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such interaction."));
    }

    /** A row of {@link #COLUMNS}, its fields decrypted. */
    public Interaction map(ResultSet rs, int row) throws SQLException {
        UUID org = Rows.uuid(rs, "tenant_id");
        UUID id = Rows.uuid(rs, "id");
        return new Interaction(id, Rows.uuid(rs, "contact_id"), Channel.ofWire(rs.getString("channel")),
                sealed.open(rs, org, "interactions", "subject", id), sealed.open(rs, org, "interactions", "body", id),
                Rows.instant(rs, "occurred_at"), rs.getInt("version"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "updated_at"));
    }

    /** The subject is the person's data (erasure removes it from here too); the body is recorded by length only. */
    private static java.util.Map<String, Object> audited(Interaction interaction) {
        return WorkspaceAudit.fields(CONTACT_ID, interaction.contactId(), CHANNEL, interaction.channel().wire(), SUBJECT,
                interaction.subject(), WorkspaceAudit.BODY_LENGTH, interaction.body() == null ? 0 : interaction.body().length(),
                OCCURRED_AT, interaction.occurredAt(), WorkspaceAudit.VERSION, interaction.version());
    }
}
