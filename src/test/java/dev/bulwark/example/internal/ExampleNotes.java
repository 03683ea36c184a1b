package dev.bulwark.example.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.example.ExampleTables;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Notes of an organisation (docs/extending.md): every statement runs bound to the caller's organisation, so
 * row-level security admits its rows only, and the body is sealed to (organisation, table, column, row) before it
 * reaches the database.
 */
@Component
public class ExampleNotes {

    /** A note as the API shows it. */
    public record Note(UUID id, String title, String body, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final FieldCipher cipher;

    ExampleNotes(JdbcClient jdbc, TenantScope tenantScope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.cipher = cipher;
    }

    public Note create(Caller caller, String title, String body) {
        Note note = new Note(Ids.newId(), title, body, Instant.now().truncatedTo(ChronoUnit.MICROS));
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> jdbc.sql("""
                        INSERT INTO example_notes (tenant_id, id, title, body_ct, created_by, created_at)
                        VALUES (:org, :id, :title, :body, :by, :at)
                        """)
                .param("org", caller.orgId())
                .param("id", note.id())
                .param("title", title)
                .param("body", cipher.encrypt(field(caller.orgId(), note.id()), body))
                .param("by", caller.userId())
                .param("at", Timestamp.from(note.createdAt()))
                .update());
        return note;
    }

    /** One page of the organisation's notes, oldest first. */
    public Page<Note> list(Caller caller, PageRequest page) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> page.fetch(jdbc.sql("""
                                SELECT id, title, body_ct, created_at FROM example_notes
                                WHERE tenant_id = :org AND (created_at, id) > (:afterAt, :afterId)
                                ORDER BY created_at, id LIMIT :limit
                                """).param("org", caller.orgId()),
                (rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    return new Note(id, rs.getString("title"), cipher.decrypt(field(caller.orgId(), id), rs.getBytes("body_ct")),
                            rs.getTimestamp("created_at").toInstant());
                },
                note -> new PageRequest.Position(note.createdAt(), note.id())));
    }

    static FieldCipher.Field field(UUID org, UUID id) {
        return new FieldCipher.Field(org, ExampleTables.NOTES, "body", id);
    }
}
