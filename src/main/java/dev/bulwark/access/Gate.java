package dev.bulwark.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The access check of an organisation's request, and the only maker of {@link Caller}s. One statement (the
 * {@code gate_person} / {@code gate_api_key} functions of migration V40) binds the tenant and the acting user for the
 * request's transaction, locks this grant of access against removal or revocation until the transaction ends, and
 * returns the role, the organisation's state and policy and whether the person meets it. It runs as the first
 * statement of the transaction the work runs in, so the check and the work commit together: there is no window
 * between them. Services trust the caller it returns and do not read the membership again.
 */
@Component
public final class Gate {

    /** What the gate statement returns for the acting person. */
    private record Admission(Role role, boolean open, OrganisationPolicy policy, boolean hasSecondFactor, boolean emailVerified) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    Gate(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    /**
     * Admits a signed-in person to {@code orgId} for {@code requires}: 404 unless a member of an organisation open to
     * this endpoint, 403 unless the role grants the permission and the person meets the organisation's policy.
     */
    public Caller person(UUID orgId, UUID userId, UUID sessionId, Requires requires) {
        inTransaction();
        Admission admission = jdbc.sql("SELECT * FROM gate_person(:org, :user, :whileDeleting)")
                .param("org", orgId)
                .param("user", userId)
                .param("whileDeleting", requires.whileDeletionPending())
                .query(Gate::admission)
                .optional()
                .filter(Admission::open)
                .orElseThrow(() -> new NotFoundException("There is no such organisation."));
        tenantScope.adoptBinding(orgId, userId);
        Caller caller = new Caller(orgId, userId, sessionId, admission.role(), null, null, null, admission.policy(), unmet(admission));
        check(caller, requires);
        return caller;
    }

    /**
     * Admits an API key to {@code orgId}: 401 unless the key is live (known, not revoked, not expired, its creator
     * still a member); 404 unless it is a key of {@code orgId} and, for a project-scoped key, the path names its
     * project; 403 unless the endpoint serves keys, and the key's role and its creator's live role both grant the
     * permission, and the creator meets the organisation's policy.
     */
    public Caller apiKey(UUID orgId, ApiKeyPrincipal key, String clientIp, String pathProjectId, Requires requires,
                         boolean peopleOnly) {
        inTransaction();
        record KeyAdmission(UUID tenant, UUID keyId, UUID creator, Role keyRole, UUID project, Admission admission) {
        }
        KeyAdmission found = jdbc.sql("SELECT * FROM gate_api_key(:hash, :ip, :whileDeleting)")
                .param("hash", key.hash())
                .param("ip", clientIp(clientIp))
                .param("whileDeleting", requires.whileDeletionPending())
                .query((rs, n) -> new KeyAdmission(rs.getObject("key_tenant", UUID.class), rs.getObject("key_id", UUID.class),
                        rs.getObject("creator", UUID.class), Role.valueOf(rs.getString("key_role")),
                        rs.getObject("key_project", UUID.class), admission(rs, n)))
                .optional()
                .orElseThrow(() -> new UnauthenticatedException("The API key is not valid."));
        tenantScope.adoptBinding(found.tenant(), found.creator());
        if (!found.tenant().equals(orgId) || !found.admission().open()
                || (found.project() != null && !found.project().toString().equals(pathProjectId))) {
            throw new NotFoundException("There is nothing here.");
        }
        Caller caller = new Caller(orgId, found.creator(), null, found.admission().role(), found.keyRole(), found.keyId(),
                found.project(), found.admission().policy(), unmet(found.admission()));
        check(caller, requires);
        if (peopleOnly) {
            throw new ForbiddenException("An API key cannot do this; sign in as a person.");
        }
        if (!requires.value().grantedTo(found.keyRole())) {
            throw new ForbiddenException("This API key's role does not allow this.");
        }
        return caller;
    }

    /**
     * Whether a presented key is live, for an endpoint outside any organisation (which refuses keys or ignores them,
     * but answers a dead key 401 like any other bad credential). One statement, its own transaction: the binding it
     * makes ends with it.
     */
    public boolean isLive(ApiKeyPrincipal key, String clientIp) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a key outside an organisation's request is checked on its own");
        }
        return jdbc.sql("SELECT count(*) FROM gate_api_key(:hash, :ip, false)")
                .param("hash", key.hash())
                .param("ip", clientIp(clientIp))
                .query(Long.class)
                .single() > 0;
    }

    private static void check(Caller caller, Requires requires) {
        if (!requires.value().grantedTo(caller.role())) {
            throw new ForbiddenException("Your role in this organisation does not allow this.");
        }
        if (requires.enforcePolicy()) {
            caller.requirePolicyMet();
        }
    }

    /** Why the acting person does not meet the organisation's policy, or null. */
    private static String unmet(Admission admission) {
        if (admission.policy().requireMfa() && !admission.hasSecondFactor()) {
            return "This organisation requires two-factor authentication: enrol it at /api/v1/me/mfa/totp.";
        }
        if (admission.policy().requireVerifiedEmail() && !admission.emailVerified()) {
            return "This organisation requires a verified email address: use the link we mailed you.";
        }
        return null;
    }

    private static Admission admission(ResultSet rs, int row) throws SQLException {
        OrganisationPolicy policy = rs.getObject("require_mfa") == null ? OrganisationPolicy.DEFAULT
                : new OrganisationPolicy(rs.getBoolean("require_mfa"), rs.getBoolean("require_verified_email"),
                        Duration.ofSeconds(rs.getInt("step_up_window_seconds")), rs.getObject("api_key_max_lifetime_days", Integer.class));
        return new Admission(Role.valueOf(rs.getString("member_role")), rs.getBoolean("org_open"), policy,
                rs.getBoolean("has_second_factor"), rs.getBoolean("email_verified"));
    }

    private static String clientIp(String ip) {
        String known = Optional.ofNullable(ip).orElse("");
        return known.length() > 64 ? known.substring(0, 64) : known;
    }

    private static void inTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // The whole point: the check must share the work's transaction. Outside one it would guard nothing.
            throw new IllegalStateException("the gate runs as the first statement of the request's transaction");
        }
    }
}
