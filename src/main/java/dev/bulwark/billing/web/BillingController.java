package dev.bulwark.billing.web;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Public;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.billing.internal.BillingState;
import dev.bulwark.billing.internal.BillingState.Billing;
import dev.bulwark.billing.internal.BillingWebhooks;
import dev.bulwark.billing.internal.BillingWebhooks.Outcome;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Billing (docs/api.md, docs/billing.md): Stripe's webhook, public and authenticated by its signature alone; and the
 * organisation's subscription, which every member may read (READ_ORGANISATION): the plan and its status are no secret
 * inside the organisation, and nothing about payment is kept.
 */
@RestController
class BillingController {

    /** The answer to Stripe: what became of the event (Stripe only needs the 2xx). */
    record Received(Outcome outcome) {
    }

    private final BillingWebhooks webhooks;
    private final BillingState state;

    BillingController(BillingWebhooks webhooks, BillingState state) {
        this.webhooks = webhooks;
        this.state = state;
    }

    /**
     * The body is taken as raw bytes: the signature covers exactly those, so it is checked before any parsing. Without
     * the endpoint's secret configured, 404.
     */
    @Operation(summary = "Receive a Stripe event (signed by Stripe)")
    @PostMapping("/api/v1/billing/stripe/webhook")
    @Audited(value = AuditType.BILLING_SUBSCRIPTION_UPDATED, unless = "the event changes nothing: a redelivery, older than "
            + "the state it meets, of another type, or for no organisation here; it is acknowledged all the same")
    @Public
    Received stripeWebhook(@RequestHeader(value = "Stripe-Signature", required = false) String signature,
                           @RequestBody(required = false) byte[] body) {
        return new Received(webhooks.receive(signature, body));
    }

    @Operation(summary = "The organisation's billing state")
    @GetMapping("/api/v1/orgs/{orgId}/billing")
    @Requires(Permission.READ_ORGANISATION)
    Billing billing(Caller caller) {
        return state.read(caller);
    }
}
