package dev.bulwark.billing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Inbound billing (docs/billing.md). {@code stripe.webhookSecret} is the signing secret of the Stripe webhook endpoint
 * ({@code whsec_…}, from Stripe's dashboard or CLI). It has no default: unset, the webhook endpoint does not exist (404)
 * and no billing event is ever accepted. Never printed.
 *
 * @param stripe Stripe's side of billing
 */
@ConfigurationProperties("bulwark.billing")
public record BillingProperties(Stripe stripe) {

    public BillingProperties {
        stripe = stripe == null ? new Stripe(null) : stripe;
    }

    /**
     * Stripe's side: the webhook endpoint's signing secret.
     *
     * @param webhookSecret the Stripe webhook endpoint's signing secret ({@code whsec_…}); unset, the endpoint answers 404.
     *                      Set it in the environment only
     */
    public record Stripe(String webhookSecret) {

        public Stripe {
            webhookSecret = webhookSecret == null || webhookSecret.isBlank() ? null : webhookSecret.strip();
            if (webhookSecret != null && (!webhookSecret.startsWith("whsec_") || webhookSecret.length() < 16)) {
                // Never the value itself: a secret pasted into the wrong setting must not reach a log.
                throw new IllegalArgumentException("bulwark.billing.stripe.webhook-secret must be a Stripe webhook signing "
                        + "secret (whsec_…, at least 16 characters)");
            }
        }

        /** Whether a secret is set, so the webhook endpoint exists. */
        public boolean configured() {
            return webhookSecret != null;
        }

        @Override
        public String toString() {
            return "Stripe[webhookSecret=" + (configured() ? "(set)" : "(unset)") + "]";
        }
    }
}
