package dev.bulwark.workspace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.internal.Contacts;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What other modules may ask of the workspace without reading its records: whether records exist (the AI gateway
 * checks the records a call names as its context), and the names and email addresses of an organisation's contacts
 * (the people the AI gateway's sanitiser recognises). Each method runs in the caller's transaction, bound to the
 * organisation; neither returns a record to a caller, so neither is a disclosure recorded as {@code contact.read}.
 */
@Service
public class WorkspaceReferences {

    /** The kinds of record a reference may name, as the API spells them. */
    public static final Set<String> TYPES = Set.of("document", "contact", "interaction");

    /** A reference to one record: its type (one of {@link #TYPES}) and id. */
    public record Ref(String type, UUID id) {
    }

    /** The names and email addresses of an organisation's contacts, decrypted (erased contacts left out). */
    public record People(List<String> names, List<String> emails) {

        public People {
            names = List.copyOf(names);
            emails = List.copyOf(emails);
        }
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final Contacts contacts;

    WorkspaceReferences(JdbcClient jdbc, TenantScope tenantScope, Contacts contacts) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.contacts = contacts;
    }

    /** The references of {@code refs} that name no record of {@code org} (an unknown type names none). */
    public List<Ref> missing(UUID org, Collection<Ref> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        return tenantScope.inTenant(org, null, () -> {
            Set<Ref> found = new HashSet<>();
            for (String type : TYPES) {
                UUID[] ids = refs.stream().filter(r -> r.type().equals(type)).map(Ref::id).distinct().toArray(UUID[]::new);
                if (ids.length == 0) {
                    continue;
                }
                // The table is one of three constants, chosen by the type; never input.
                String table = switch (type) {
                    case "document" -> "SELECT id FROM documents WHERE tenant_id = :org AND id = ANY (:ids)";
                    case "contact" -> "SELECT id FROM contacts WHERE tenant_id = :org AND id = ANY (:ids)";
                    default -> "SELECT id FROM interactions WHERE tenant_id = :org AND id = ANY (:ids)";
                };
                jdbc.sql(table).param("org", org).param("ids", ids).query(UUID.class).list()
                        .forEach(id -> found.add(new Ref(type, id)));
            }
            List<Ref> missing = new ArrayList<>();
            for (Ref ref : refs) {
                if (!found.contains(ref)) {
                    missing.add(ref);
                }
            }
            return missing;
        });
    }

    /** Every contact's name and email address in {@code org}. */
    public People people(UUID org) {
        return tenantScope.inTenant(org, null, () -> {
            List<String> names = new ArrayList<>();
            List<String> emails = new ArrayList<>();
            contacts.namesAndEmails(org, (name, email) -> {
                if (name != null && !name.startsWith(DataSubjects.ERASED_PREFIX)) {
                    names.add(name);
                }
                if (email != null) {
                    emails.add(email);
                }
            });
            return new People(names, emails);
        });
    }
}
