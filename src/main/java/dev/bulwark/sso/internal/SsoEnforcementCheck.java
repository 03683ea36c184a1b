package dev.bulwark.sso.internal;

import java.util.Optional;
import java.util.UUID;

import dev.bulwark.identity.SsoEnforcement;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Whether an address belongs to a verified domain of an organisation that enforces single sign-on: the domain's hash in
 * the global index (verified), then that organisation's setting. Identity asks before a password sign-in, a reset and
 * a sign-up by invitation.
 */
@Component
class SsoEnforcementCheck implements SsoEnforcement {

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    SsoEnforcementCheck(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    @Override
    public boolean enforcedFor(String email) {
        Optional<String> domain = Domains.ofEmail(email);
        if (domain.isEmpty()) {
            return false;
        }
        Optional<UUID> org = jdbc.sql("SELECT tenant_id FROM sso_domain_index WHERE domain_sha256 = :hash AND verified_at IS NOT NULL")
                .param("hash", Domains.sha256(domain.get())).query(UUID.class).optional();
        return org.isPresent() && tenantScope.inTenantAnyUser(org.get(), () -> jdbc.sql(
                        "SELECT coalesce(bool_or(enforced), false) FROM sso_configs WHERE tenant_id = :org")
                .param("org", org.get()).query(Boolean.class).single());
    }
}
