package dev.bulwark.webhooks;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.bulwark.egress.LoopbackReceiver;
import dev.bulwark.egress.Resolver;
import dev.bulwark.egress.ScriptedResolver;
import dev.bulwark.egress.SsrfVectorsTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

import static dev.bulwark.egress.ScriptedResolver.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24, acceptance 1, through the webhooks themselves: every SSRF vector of the egress tests is refused when an
 * organisation registers it and when it re-points a webhook to it, and a receiver whose DNS changes after registration
 * (to loopback: rebinding) is refused at delivery — with a loopback listener on the vectors' port counting 0
 * connections throughout. DNS is the application's own {@link Resolver} seam, scripted here (and only here: this test
 * has a context of its own).
 */
@Import(WebhookSsrfTest.ScriptedDns.class)
class WebhookSsrfTest extends WebhookTestSupport {

    /** {@code rebinding.example.com} is public when registered, loopback from its next resolution on. */
    static final ScriptedResolver DNS = SsrfVectorsTest.scripted()
            .answer("hooks.example.com", List.of(ip(93, 184, 216, 34)))
            .answer("rebinding.example.com", List.of(ip(93, 184, 216, 34)), List.of(ip(127, 0, 0, 1)));

    @TestConfiguration
    static class ScriptedDns {
        @Bean
        @Primary
        Resolver scriptedResolver() {
            return DNS;
        }
    }

    @Test
    void everyVectorIsRefusedAtRegistrationAndOnPatchAndNothingConnects() throws Exception {
        try (LoopbackReceiver listener = LoopbackReceiver.counting()) {
            Tenant tenant = newTenant();
            List<String> vectors = SsrfVectorsTest.vectors(listener.port(), listener.port());
            assertThat(vectors).hasSizeGreaterThanOrEqualTo(40);
            Registered allowed = register(tenant, "https://hooks.example.com/bulwark", "*");

            for (String url : vectors) {
                HttpResponse<String> created = call("POST", webhooks(tenant), tenant.owner(),
                        json.writeValueAsString(Map.of("url", url, "events", List.of("*"))));
                assertThat(created.statusCode()).as("register %s: %s", url, created.body()).isEqualTo(400);
                HttpResponse<String> patched = call("PATCH", webhooks(tenant) + "/" + allowed.id(), tenant.owner(),
                        json.writeValueAsString(Map.of("url", url)));
                assertThat(patched.statusCode()).as("re-point to %s: %s", url, patched.body()).isEqualTo(400);
            }

            HttpResponse<String> listed = call("GET", webhooks(tenant), tenant.owner(), null);
            JsonNode items = body(listed).get("items");
            assertThat(items).as("only the allowed webhook, unchanged").hasSize(1);
            assertThat(items.get(0).get("url").asString()).isEqualTo("https://hooks.example.com/bulwark");
            assertThat(listener.connections()).as("connections to the loopback listener").isZero();
        }
    }

    @Test
    void aReceiverWhoseDnsTurnsToLoopbackAfterRegistrationIsRefusedAtDelivery() throws Exception {
        try (LoopbackReceiver listener = LoopbackReceiver.counting()) {
            Tenant tenant = newTenant();
            int before = DNS.resolutions("rebinding.example.com");
            Registered webhook = register(tenant, "http://rebinding.example.com:" + listener.port() + "/hook", "project.created");
            assertThat(DNS.resolutions("rebinding.example.com")).as("checked at registration").isEqualTo(before + 1);

            createProject(tenant);
            // An attempt counts from its start; its outcome replaces "pending" when it ends.
            JsonNode attempted = awaitDelivery(tenant, webhook.id(), "project.created",
                    d -> d.get("attempt").asInt() >= 1 && !d.get("status").asString().equals("pending"));

            assertThat(attempted.get("status").asString()).as("the refused attempt").isEqualTo("failed");
            assertThat(attempted.get("responseStatus").isNull()).as("no answer came").isTrue();
            assertThat(DNS.resolutions("rebinding.example.com")).as("resolved again at delivery").isGreaterThan(before + 1);
            assertThat(listener.connections()).as("connections to the loopback listener").isZero();
        }
    }
}
