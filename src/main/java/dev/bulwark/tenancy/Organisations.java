package dev.bulwark.tenancy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.Ids;
import dev.bulwark.shared.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Creates organisations, each with its first OWNER, inside the caller's transaction. */
@Service
public class Organisations {

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    Organisations(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    /** The organisation, for a member the request's gate admitted with READ_ORGANISATION. */
    public Organisation read(UUID id) {
        return find(id).orElseThrow(() -> new NotFoundException("There is no such organisation."));
    }

    private Optional<Organisation> find(UUID id) {
        return jdbc.sql("SELECT id, name, created_at FROM organisations WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new Organisation(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    /** A new organisation named {@code name}, whose OWNER is {@code ownerUserId}. */
    public Organisation create(String name, UUID ownerUserId) {
        UUID id = Ids.newId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return tenantScope.inTenant(id, ownerUserId, () -> {
            jdbc.sql("INSERT INTO organisations (id, name, created_at) VALUES (:id, :name, :createdAt)")
                    .param("id", id)
                    .param("name", name)
                    .param("createdAt", java.sql.Timestamp.from(now))
                    .update();
            jdbc.sql("INSERT INTO memberships (tenant_id, user_id, role) VALUES (:tenant, :user, :role)")
                    .param("tenant", id)
                    .param("user", ownerUserId)
                    .param("role", Role.OWNER.name())
                    .update();
            for (DataClass dataClass : DataClass.values()) {
                jdbc.sql("""
                                INSERT INTO retention_policies (tenant_id, data_class, retention_days, updated_at)
                                VALUES (:tenant, :class, :days, :now)
                                """)
                        .param("tenant", id)
                        .param("class", dataClass.id())
                        .param("days", dataClass.defaultDays())
                        .param("now", java.sql.Timestamp.from(now))
                        .update();
            }
            return new Organisation(id, name, now);
        });
    }

    /**
     * Makes {@code userId} a member of {@code orgId} with {@code role} unless they already are one, in the caller's
     * transaction bound to {@code orgId}; true when the membership is new.
     */
    public boolean addMember(UUID orgId, UUID userId, Role role) {
        return jdbc.sql("""
                        INSERT INTO memberships (tenant_id, user_id, role) VALUES (:tenant, :user, :role)
                        ON CONFLICT DO NOTHING
                        """)
                .param("tenant", orgId)
                .param("user", userId)
                .param("role", role.name())
                .update() == 1;
    }
}
