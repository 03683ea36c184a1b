package dev.bulwark.trust.web;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bulwark.trust.TrustProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trust page's words (times, durations, evidence said for people, never raw ISO values), its docs rendered as
 * HTML with raw HTML escaped, and the brand's settings refused when they would break the page's policy or its
 * readability.
 */
class TrustWordsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T04:41:00Z");

    @Test
    void timesAndDurationsAreSaidInWords() {
        assertThat(Words.ago(NOW.minusSeconds(20), NOW)).isEqualTo("just now");
        assertThat(Words.ago(NOW.minusSeconds(60), NOW)).isEqualTo("1 minute ago");
        assertThat(Words.ago(NOW.minusSeconds(200), NOW)).isEqualTo("3 minutes ago");
        assertThat(Words.ago(NOW.minus(Duration.ofHours(5)), NOW)).isEqualTo("5 hours ago");
        assertThat(Words.ago(NOW.minus(Duration.ofDays(12)), NOW)).isEqualTo("12 days ago");
        assertThat(Words.ago(NOW.plus(Duration.ofDays(3)), NOW)).isEqualTo("in 3 days");
        assertThat(Words.date(NOW)).isEqualTo("5 December 2026, 04:41 UTC");
        assertThat(Words.duration(Duration.ofMinutes(5))).isEqualTo("5 minutes");
        assertThat(Words.duration(Duration.ofMinutes(90))).isEqualTo("1 hour 30 minutes");
        assertThat(Words.duration(Duration.ofDays(180))).isEqualTo("180 days");
        assertThat(Words.duration(Duration.ofMillis(250))).isEqualTo("250 milliseconds");
    }

    @Test
    void evidenceIsSaidInWordsWithNoRawIsoValue() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("rootKeyProtected", true);
        evidence.put("expires", "2027-05-01T00:00:00Z");
        evidence.put("bulwark.audit.checkpoint-interval", "PT1M");
        evidence.put("late", List.of());
        evidence.put("passkeys", Map.of("originsRefused", List.of("http://evil")));
        evidence.put("note", "primary since 2026-01-01T10:00:00Z");
        evidence.put("allowed", "PT1M–PT168H");
        List<Words.Line> lines = Words.lines(evidence, NOW);
        assertThat(lines).containsExactly(
                new Words.Line("Root key protected", "yes"),
                new Words.Line("Expires", "1 May 2027, 00:00 UTC (in 146 days)"),
                new Words.Line("bulwark.audit.checkpoint-interval", "1 minute"),
                new Words.Line("Late", "none"),
                new Words.Line("Passkeys › Origins refused", "http://evil"),
                new Words.Line("Note", "primary since 1 January 2026, 10:00 UTC"),
                new Words.Line("Allowed", "1 minute–7 days"));
        assertThat(lines.toString()).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T");
    }

    @Test
    void docsAreHtmlWithRawHtmlEscapedAndScriptLinksDropped() {
        String html = TrustDocsController.render("""
                # Title

                <script>alert(1)</script>

                Text with <img src=x onerror=alert(1)> inline, [a doc][enc], [evil](javascript:alert(1)).

                | a | b |
                |---|---|
                | 1 | 2 |

                [enc]: encryption.md#keys
                """);
        assertThat(html).contains("<h1>Title</h1>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
                "href=\"/trust/docs/encryption#keys\"", "<table>", "<td>1</td>");
        assertThat(html).doesNotContain("<script", "<img", "javascript:");
    }

    @Test
    void aBrandThatTheStrictPolicyWouldBlockOrFewCouldReadIsRefused() {
        assertThatThrownBy(() -> brand("https://cdn.acme.eu/logo.png", "#0a58ca", null)).hasMessageContaining("logo-url");
        assertThatThrownBy(() -> brand("//cdn.acme.eu/logo.png", "#0a58ca", null)).hasMessageContaining("logo-url");
        assertThatThrownBy(() -> brand("/logo.png\" onload=\"x", "#0a58ca", null)).hasMessageContaining("logo-url");
        assertThatThrownBy(() -> brand(null, "#ffff00", null)).as("yellow on white").hasMessageContaining("4.5:1");
        assertThatThrownBy(() -> brand(null, "red", null)).hasMessageContaining("#rrggbb");
        assertThatThrownBy(() -> brand(null, "#0a58ca", "javascript:alert(1)")).hasMessageContaining("contact");
        assertThat(brand("/static/logo.svg", "#0a58ca", "mailto:trust@acme.eu").contact()).isEqualTo("mailto:trust@acme.eu");
        assertThat(brand("data:image/png;base64,iVBORw0KGgo=", "#0a58ca", " ").contact()).isNull();
        assertThat(TrustProperties.Brand.contrast("#000000", "#ffffff")).isEqualTo(21.0);
    }

    private static TrustProperties.Brand brand(String logo, String accent, String contact) {
        return new TrustProperties.Brand("Acme", logo, accent, "#ffffff", "#1b1f24", contact, null);
    }
}
