package dev.bulwark.trust.web;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.trust.TrustProperties;
import dev.bulwark.trust.internal.TrustRunner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in template with the model TrustController gives it, without an application: the public page carries no
 * evidence whatever the checks hold, the operators' page does, in words; placeholders read "not configured".
 */
class TrustPageRenderTest {

    private static final Instant NOW = Instant.parse("2026-12-05T04:41:00Z");

    private static List<TrustRunner.ControlView> controls() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("rootKeyProtected", true);
        evidence.put("operatorOnly", Map.of("rootKeyForm", "LOCAL_SEALED"));
        Map<String, TrustRunner.Shown> shown = Map.of("encryption.root-key",
                new TrustRunner.Shown("encryption.root-key", "pass", evidence, NOW.minus(Duration.ofMinutes(3))));
        return List.of(new TrustRunner.ControlView("root-key", "Encryption", "Root key protected", "The root key is protected.",
                List.of("SOC 2 CC6.1"), "pass", NOW.minus(Duration.ofMinutes(3)), shown),
                new TrustRunner.ControlView("subprocessors", "Privacy", "Subprocessors published", "Every third party is listed.",
                        List.of("SOC 2 P6.1"), "not_configured", NOW.minusSeconds(10), Map.of("privacy.subprocessors",
                        new TrustRunner.Shown("privacy.subprocessors", "not_configured", Map.of("listed", 0), NOW.minusSeconds(10)))));
    }

    private static String render(boolean operator, TrustProperties properties) {
        return new TrustTemplates(properties).render("trust", TrustPage.model(controls(), properties,
                List.of("mailto:security@bulwark.localhost"), List.of(), "n0nce", NOW, operator,
                List.of(Map.of("organisation", UUID.randomUUID().toString(), "since", "2026-12-01T00:00:00Z"))));
    }

    private static TrustProperties properties(String contact) {
        return new TrustProperties(Duration.ofMinutes(5), List.of(), List.of(), false, 20_000, Duration.ofHours(24),
                new TrustProperties.Brand("Acme <Cloud>", "/logo.svg", "#7a1fa2", "#ffffff", "#1b1f24", contact, null));
    }

    @Test
    void thePublicPageShowsClaimsAndTimesInWordsButNoEvidence() {
        String page = render(false, properties("mailto:trust@acme-cloud.eu"));
        assertThat(page).contains("<title>Acme &lt;Cloud&gt; trust center</title>", "<style nonce=\"n0nce\">", "color:#1b1f24",
                "border-bottom:4px solid #7a1fa2", "<img src=\"/logo.svg\" alt=\"\">", "href=\"mailto:trust@acme-cloud.eu\"",
                "id=\"root-key\" data-status=\"pass\"", ">3 minutes ago</time>", "<code>encryption.root-key</code>",
                "href=\"/trust/docs/encryption\"", "data-not-configured=\"security-txt\"", "data-not-configured=\"subprocessors\"",
                "data-control=\"subprocessors\"", "we do not claim that <span>every third party is listed.</span>");
        assertThat(page).doesNotContain("Root key protected</dt>", "LOCAL_SEALED", "Operator", "evidence\" data-evidence", "findings",
                "security@bulwark.localhost", "2026-12-01", "<script");
    }

    @Test
    void theOperatorsPageShowsTheEvidenceAndFindingsInWords() {
        String page = render(true, properties(null));
        assertThat(page).contains("Operator view", "data-evidence=\"encryption.root-key\"", "<dt>Root key protected</dt><dd>yes</dd>",
                "<dt>Operator only › Root key form</dt><dd>LOCAL_SEALED</dd>", "id=\"findings\"",
                "<dt>Since</dt><dd>1 December 2026, 00:00 UTC (4 days ago)</dd>", "data-not-configured=\"contact\"");
    }

    @Test
    void aPlaceholderBrandContactIsNotConfigured() {
        assertThat(render(false, properties("mailto:trust@example.com"))).contains("data-not-configured=\"contact\"")
                .doesNotContain("trust@example.com");
    }
}
