package dev.bulwark.billing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import com.stripe.net.Webhook;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code bulwark.billing.stripe.webhook-secret} (the default) the webhook does not exist: even a well-signed event
 * answers 404 and changes nothing, while the organisation's billing still reads as having no subscription.
 */
class BillingUnconfiguredTest extends IntegrationTest {

    @Test
    void withoutASecretTheWebhookIs404AndStoresNothing() throws Exception {
        Tenant tenant = newTenant();
        List<String> rows = tenantRows(tenant.id());
        String payload = """
                {"id":"evt_unconfigured_1","object":"event","type":"customer.subscription.created","created":1780000000,
                 "data":{"object":{"id":"sub_1","status":"active","metadata":{"organisationId":"%s","plan":"pro"}}}}
                """.formatted(tenant.id());
        String signed = Webhook.Signature.generateSignatureHeader(payload, "whsec_anything_at_all_000000", Instant.now().getEpochSecond());
        for (String header : List.of(signed, "t=1,v1=00", "garbage")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/billing/stripe/webhook"))
                    .header("Content-Type", "application/json")
                    .header("Stripe-Signature", header)
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        }
        assertThat(tenantRows(tenant.id())).isEqualTo(rows);
        HttpResponse<String> billing = call("GET", "/api/v1/orgs/" + tenant.id() + "/billing", tenant.owner(), null);
        assertThat(billing.statusCode()).isEqualTo(200);
        assertThat(body(billing).get("status").asString()).isEqualTo("none");
    }
}
