package dev.bulwark.billing.internal;

import java.sql.Timestamp;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bulwark.access.Caller;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The organisation's subscription as its members read it (docs/billing.md). */
@Service
public class BillingState {

    /**
     * The plan, Stripe's subscription status ({@code canceled} once deleted), the end of the paid period and when Bulwark
     * last applied a change; before any subscription event, status {@code none} and the rest null.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Billing(String plan, String status, Instant currentPeriodEnd, Instant updatedAt) {

        static final Billing NONE = new Billing(null, "none", null, null);
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;

    BillingState(JdbcClient jdbc, TenantScope tenantScope) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
    }

    public Billing read(Caller caller) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> jdbc.sql("""
                        SELECT plan, status, current_period_end, updated_at FROM billing_subscriptions WHERE tenant_id = :org
                        """)
                .param("org", caller.orgId())
                .query((rs, n) -> new Billing(rs.getString("plan"), rs.getString("status"),
                        instant(rs.getTimestamp("current_period_end")), instant(rs.getTimestamp("updated_at"))))
                .optional()
                .orElse(Billing.NONE));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
