package dev.bulwark.workspace;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.bulwark.keys.BlindIndex;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.internal.Contacts;
import dev.bulwark.workspace.internal.Interactions;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The workspace's records about one person, found by email, for the privacy rights (docs/privacy.md): collected for an
 * access request, erased for an erasure request, and interactions purged by retention. Every method runs in the
 * caller's transaction, bound to the organisation. Contacts are matched through the email's blind index, so several
 * contacts may share the email: all of them are the subject's.
 */
@Service
public class DataSubjects {

    /** A contact of the subject, decrypted. */
    public record ContactRecord(UUID id, String name, String email, String phone, String notes, int version,
                                Instant createdAt, Instant updatedAt) {
    }

    /** An interaction with one of the subject's contacts, decrypted. */
    public record InteractionRecord(UUID id, UUID contactId, String channel, String subject, String body, Instant occurredAt,
                                    int version, Instant createdAt, Instant updatedAt) {
    }

    /** Everything the workspace holds about the subject, and the ids of those records (what audit events are about). */
    public record Records(List<ContactRecord> contacts, List<InteractionRecord> interactions) {

        public List<String> entityIds() {
            List<String> ids = new ArrayList<>();
            contacts.forEach(c -> ids.add(c.id().toString()));
            interactions.forEach(i -> ids.add(i.id().toString()));
            return ids;
        }
    }

    /** What an erasure changed: the contacts pseudonymised and the interactions emptied, with their ids. */
    public record Erased(List<UUID> contactIds, List<UUID> interactionIds) {
    }

    private static final String ERASURE_PURPOSE = "erasure.subject";
    /** How an erased contact's name begins: a pseudonym, no person's name. */
    static final String ERASED_PREFIX = "erased:";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Contacts contacts;
    private final Interactions interactions;
    private final BlindIndex blindIndex;
    private final FieldCipher cipher;
    private final ApplicationEventPublisher events;

    DataSubjects(JdbcClient jdbc, TenantScope tenantScope, Contacts contacts, Interactions interactions, BlindIndex blindIndex,
                 FieldCipher cipher, ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.contacts = contacts;
        this.interactions = interactions;
        this.blindIndex = blindIndex;
        this.cipher = cipher;
    }

    /** Every contact of {@code org} with this email, and every interaction with them. */
    public Records collect(UUID org, String email) {
        return tenantScope.inTenant(org, null, () -> {
            List<ContactRecord> found = jdbc.sql("SELECT " + Contacts.COLUMNS + """
                             FROM contacts WHERE tenant_id = :org AND email_bidx = :index
                            ORDER BY created_at, id
                            """)
                    .param("org", org)
                    .param("index", blindIndex.email(org, Contacts.EMAIL_INDEX, email))
                    .query((rs, n) -> {
                        Contacts.Contact c = contacts.map(rs, n);
                        return new ContactRecord(c.id(), c.name(), c.email(), c.phone(), c.notes(), c.version(), c.createdAt(),
                                c.updatedAt());
                    })
                    .list();
            if (found.isEmpty()) {
                return new Records(List.of(), List.of());
            }
            List<InteractionRecord> held = jdbc.sql("SELECT " + Interactions.COLUMNS + """
                             FROM interactions WHERE tenant_id = :org AND contact_id = ANY (:contacts) ORDER BY occurred_at, id
                            """)
                    .param("org", org)
                    .param("contacts", found.stream().map(ContactRecord::id).toArray(UUID[]::new))
                    .query((rs, n) -> {
                        Interactions.Interaction i = interactions.map(rs, n);
                        return new InteractionRecord(i.id(), i.contactId(), i.channel().wire(), i.subject(), i.body(),
                                i.occurredAt(), i.version(), i.createdAt(), i.updatedAt());
                    })
                    .list();
            return new Records(found, held);
        });
    }

    /**
     * Erases the subject from {@code org}'s workspace: every contact with this email keeps its id but its name becomes
     * a keyed hash of the email (an HMAC under the organisation's index key, the same for the same person, reversible
     * by no one without the key), and its email, phone and notes and their blind index are removed; every interaction
     * with those contacts loses its subject and body (channel and time remain). Plaintext columns from before
     * encryption are cleared too.
     */
    public Erased erase(UUID org, String email, Instant now) {
        return tenantScope.inTenant(org, null, () -> {
            List<UUID> contactIds = jdbc.sql("""
                            SELECT id FROM contacts WHERE tenant_id = :org AND email_bidx = :index
                            ORDER BY id FOR UPDATE
                            """)
                    .param("org", org)
                    .param("index", blindIndex.email(org, Contacts.EMAIL_INDEX, email))
                    .query(UUID.class)
                    .list();
            if (contactIds.isEmpty()) {
                return new Erased(List.of(), List.of());
            }
            String pseudonym = ERASED_PREFIX + HexFormat.of().formatHex(subjectIndex(org, email), 5, 21);
            for (UUID id : contactIds) {
                jdbc.sql("""
                                UPDATE contacts SET name_ct = :name, email_ct = NULL, phone_ct = NULL, notes_ct = NULL, email_bidx = NULL,
                                    name = NULL, email = NULL, phone = NULL, notes = NULL, version = version + 1, updated_at = :now
                                WHERE tenant_id = :org AND id = :id
                                """)
                        .param("org", org)
                        .param("id", id)
                        .param("name", cipher.encrypt(new FieldCipher.Field(org, "contacts", "name", id), pseudonym))
                        .param("now", Timestamp.from(now))
                        .update();
            }
            List<UUID> interactionIds = jdbc.sql("""
                            SELECT id FROM interactions WHERE tenant_id = :org AND contact_id = ANY (:contacts) ORDER BY id FOR UPDATE
                            """)
                    .param("org", org)
                    .param("contacts", contactIds.toArray(UUID[]::new))
                    .query(UUID.class)
                    .list();
            for (UUID id : interactionIds) {
                jdbc.sql("""
                                UPDATE interactions SET subject_ct = :subject, body_ct = NULL, subject = NULL, body = NULL,
                                    version = version + 1, updated_at = :now
                                WHERE tenant_id = :org AND id = :id
                                """)
                        .param("org", org)
                        .param("id", id)
                        .param("subject", cipher.encrypt(new FieldCipher.Field(org, "interactions", "subject", id), "[erased]"))
                        .param("now", Timestamp.from(now))
                        .update();
            }
            events.publishEvent(new ContactsChanged(org));
            return new Erased(contactIds, interactionIds);
        });
    }

    /**
     * The keyed index of an erased subject's email under {@code org}'s index key: what an erasure leaves to recognise a
     * second request for the same address, never the address or an unkeyed hash of it.
     */
    public byte[] subjectIndex(UUID org, String email) {
        return blindIndex.of(org, ERASURE_PURPOSE, email.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Deletes up to {@code limit} of {@code org}'s interactions of {@code channel} that occurred before {@code cutoff},
     * oldest first; returns how many.
     */
    public int purgeInteractions(UUID org, Channel channel, Instant cutoff, int limit) {
        return tenantScope.inTenant(org, null, () -> jdbc.sql("""
                        DELETE FROM interactions WHERE tenant_id = :org AND id IN (
                            SELECT id FROM interactions WHERE tenant_id = :org AND channel = :channel AND occurred_at < :cutoff
                            ORDER BY occurred_at LIMIT :limit)
                        """)
                .param("org", org)
                .param("channel", channel.wire())
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", limit)
                .update());
    }
}
