package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditType;
import dev.bulwark.keys.BlindIndex;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.IfMatch;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.ContactsChanged;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Contacts, the data subjects. Every read that returns a contact's personal data leaves through {@code disclose},
 * the one place where such a read is observed. Deleting a contact deletes its interactions in the same statement.
 * Name, email, phone and notes are stored encrypted under the organisation's key ({@link Sealed}), the email also
 * as a blind index for lookups; a value that does not decrypt where it is read fails the request.
 */
@Service
public class Contacts {

    /** A contact as the API shows it. */
    public record Contact(UUID id, String name, String email, String phone, String notes, int version, Instant createdAt,
                          Instant updatedAt) implements Rows.Listed {
    }

    /** What a contact is made of when created (name required, the rest optional). */
    public record ContactData(String name, String email, String phone, String notes) {
    }

    /** The columns {@link #map} reads: ciphertexts, and the plaintext columns from before V14, refused if not empty. */
    public static final String COLUMNS = """
            tenant_id, id, name_ct, email_ct, phone_ct, notes_ct, name, email, phone, notes, version, created_at, updated_at""";
    public static final String EMAIL_INDEX = "contact.email";

    /** The details of the {@code contact.*} events: the person's data ({@link #audited}). */
    static final String NAME = "name";
    static final String EMAIL = "email";
    static final String PHONE = "phone";
    static final String NOTES = "notes";
    /** The detail of {@code contact.read} for contacts returned: their ids. */
    static final String CONTACT_IDS = "contactIds";

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final WorkspaceAudit audit;
    private final Sealed sealed;
    private final BlindIndex blindIndex;
    private final ApplicationEventPublisher events;

    Contacts(JdbcClient jdbc, TenantScope tenantScope, WorkspaceAudit audit, Sealed sealed, BlindIndex blindIndex,
             ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.audit = audit;
        this.sealed = sealed;
        this.blindIndex = blindIndex;
    }

    public Contact create(Caller caller, ContactData data) {
        Instant now = Rows.now();
        Contact contact = new Contact(Ids.newId(), data.name(), data.email(), data.phone(), data.notes(), 1, now, now);
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            withSealed(jdbc.sql("""
                            INSERT INTO contacts (tenant_id, id, name_ct, email_ct, phone_ct, notes_ct, email_bidx, version,
                                                  created_at, updated_at)
                            VALUES (:org, :id, :name, :email, :phone, :notes, :emailIndex, 1, :now, :now)
                            """), caller.orgId(), contact)
                    .param("now", Rows.ts(now))
                    .update();
            audit.created(caller, AuditType.CONTACT_CREATED, "contact", contact.id(), audited(contact));
            events.publishEvent(new ContactsChanged(caller.orgId()));
        });
        return contact;
    }

    /** One page of the organisation's contacts, oldest first. */
    public Page<Contact> list(Caller caller, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> disclosed(caller, Rows.page(jdbc.sql("""
                        SELECT %s FROM contacts
                        WHERE tenant_id = :org AND (created_at, id) > (:afterAt, :afterId)
                        ORDER BY created_at, id LIMIT :limit
                        """.formatted(COLUMNS))
                .param("org", caller.orgId()), request, this::map)));
    }

    /** Every contact whose email is {@code email}, whatever the letter case; several may share one. */
    public Page<Contact> findByEmail(Caller caller, String email, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> disclosed(caller, Rows.page(jdbc.sql("""
                        SELECT %s FROM contacts
                        WHERE tenant_id = :org AND email_bidx = :emailIndex
                          AND (created_at, id) > (:afterAt, :afterId)
                        ORDER BY created_at, id LIMIT :limit
                        """.formatted(COLUMNS))
                .param("org", caller.orgId())
                .param("emailIndex", blindIndex.email(caller.orgId(), EMAIL_INDEX, email)), request, this::map)));
    }

    public Contact get(Caller caller, UUID contactId) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Contact contact = find(caller.orgId(), contactId, false);
            disclose(caller, List.of(contact));
            return contact;
        });
    }

    public Contact update(Caller caller, UUID contactId, IfMatch ifMatch, Edit<String> name, Edit<String> email,
                          Edit<String> phone, Edit<String> notes) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Contact current = find(caller.orgId(), contactId, true);
            ifMatch.requireMatches(current.version());
            Contact next = new Contact(current.id(), name.applyTo(current.name()), email.applyTo(current.email()),
                    phone.applyTo(current.phone()), notes.applyTo(current.notes()), current.version() + 1,
                    current.createdAt(), Rows.now());
            withSealed(jdbc.sql("""
                            UPDATE contacts SET name_ct = :name, email_ct = :email, phone_ct = :phone, notes_ct = :notes,
                                email_bidx = :emailIndex, name = NULL, email = NULL, phone = NULL, notes = NULL,
                                version = :version, updated_at = :now
                            WHERE tenant_id = :org AND id = :id
                            """), caller.orgId(), next)
                    .param("version", next.version())
                    .param("now", Rows.ts(next.updatedAt()))
                    .update();
            audit.updated(caller, AuditType.CONTACT_UPDATED, "contact", contactId, audited(current), audited(next));
            events.publishEvent(new ContactsChanged(caller.orgId()));
            return next;
        });
    }

    /** Deletes the contact and its interactions (the foreign key cascades, one transaction). */
    public void delete(Caller caller, UUID contactId, IfMatch ifMatch) {
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            Contact current = find(caller.orgId(), contactId, true);
            ifMatch.requireMatches(current.version());
            jdbc.sql("DELETE FROM contacts WHERE tenant_id = :org AND id = :id")
                    .param("org", caller.orgId())
                    .param("id", contactId)
                    .update();
            audit.deleted(caller, AuditType.CONTACT_DELETED, "contact", contactId, audited(current));
            events.publishEvent(new ContactsChanged(caller.orgId()));
        });
    }

    /**
     * Hands every contact's name and email of {@code org} to {@code each}, decrypted, in the caller's tenant-bound
     * transaction: for the people the AI gateway's sanitiser recognises. No caller sees them, so this is no disclosure.
     */
    public void namesAndEmails(UUID org, java.util.function.BiConsumer<String, String> each) {
        jdbc.sql("SELECT tenant_id, id, name_ct, email_ct, name, email FROM contacts WHERE tenant_id = :org")
                .param("org", org)
                .query(rs -> {
                    UUID id = Rows.uuid(rs, "id");
                    each.accept(sealed.open(rs, org, "contacts", "name", id), sealed.open(rs, org, "contacts", "email", id));
                });
    }

    /**
     * 404 unless the contact exists. {@code lock} takes a share lock, for a write under the contact, so interactions
     * are never added to one being deleted.
     */
    void requireParent(UUID orgId, UUID contactId, boolean lock) {
        jdbc.sql("SELECT id FROM contacts WHERE tenant_id = :org AND id = :id " + (lock ? "FOR SHARE" : ""))
                .param("org", orgId)
                .param("id", contactId)
                .query(UUID.class)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such contact."));
    }

    private Page<Contact> disclosed(Caller caller, Page<Contact> page) {
        disclose(caller, page.items());
        return page;
    }

    /**
     * The one exit of contact personal data towards a caller, inside the reading transaction: every read that
     * returns contacts names them here, and only the contacts actually returned (not the look-ahead row of a page).
     * Records one {@code contact.read} in the audit log, inside this transaction, naming them.
     */
    private void disclose(Caller caller, List<Contact> shown) {
        if (!shown.isEmpty()) {
            audit.contactsRead(caller, shown.size() == 1 ? shown.getFirst().id() : null, CONTACT_IDS,
                    shown.stream().map(Contact::id).toList());
        }
    }

    private Contact find(UUID orgId, UUID contactId, boolean lock) {
        return jdbc.sql("SELECT %s FROM contacts WHERE tenant_id = :org AND id = :id %s".formatted(COLUMNS, lock ? "FOR UPDATE" : ""))
                .param("org", orgId)
                .param("id", contactId)
                .query(this::map)
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such contact."));
    }

    /** Binds {@code :org}, {@code :id}, the four ciphertexts and the email's blind index of {@code contact}. */
    private JdbcClient.StatementSpec withSealed(JdbcClient.StatementSpec statement, UUID org, Contact contact) {
        return statement
                .param("org", org)
                .param("id", contact.id())
                .param("name", sealed.seal(org, "contacts", "name", contact.id(), contact.name()))
                .param("email", sealed.seal(org, "contacts", "email", contact.id(), contact.email()))
                .param("phone", sealed.seal(org, "contacts", "phone", contact.id(), contact.phone()))
                .param("notes", sealed.seal(org, "contacts", "notes", contact.id(), contact.notes()))
                .param("emailIndex", contact.email() == null ? null : blindIndex.email(org, EMAIL_INDEX, contact.email()));
    }

    /** The person's data as the audit log keeps it: erasure removes it there too (docs/audit-chain.md). */
    private static java.util.Map<String, Object> audited(Contact contact) {
        return WorkspaceAudit.fields(NAME, contact.name(), EMAIL, contact.email(), PHONE, contact.phone(), NOTES,
                contact.notes(), WorkspaceAudit.VERSION, contact.version());
    }

    /** A row of {@link #COLUMNS}, its fields decrypted. */
    public Contact map(ResultSet rs, int row) throws SQLException {
        UUID org = Rows.uuid(rs, "tenant_id");
        UUID id = Rows.uuid(rs, "id");
        return new Contact(id, sealed.open(rs, org, "contacts", "name", id), sealed.open(rs, org, "contacts", "email", id),
                sealed.open(rs, org, "contacts", "phone", id), sealed.open(rs, org, "contacts", "notes", id),
                rs.getInt("version"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }
}
