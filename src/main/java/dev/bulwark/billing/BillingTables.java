package dev.bulwark.billing;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the billing module: each organisation's subscription, and the Stripe events it received. */
@Component
public final class BillingTables extends ModuleTables {

    public BillingTables() {
        super("billing", Set.of("organisations"),
                Table.tenant("billing_subscriptions").deletedOnPurge()
                        .exported("billing", "tenant_id", false, "subscription_id", "plan", "status", "current_period_end",
                                "updated_at"),
                Table.tenant("billing_events").deletedOnPurge());
    }
}
