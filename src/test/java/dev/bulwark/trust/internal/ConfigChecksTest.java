package dev.bulwark.trust.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.identity.MfaStatus;
import dev.bulwark.identity.PasskeyProperties;
import dev.bulwark.identity.PasswordHashingParameters;
import dev.bulwark.trust.Check;
import dev.bulwark.web.TlsProbe;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each configuration check passes on the running configuration's values and fails on a weakened one. */
class ConfigChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void rootKeyFailsOnTheReadableDevelopmentKeyset() {
        assertThat(ConfigChecks.rootKey("LOCAL_SEALED").status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.rootKey("KMS").status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.rootKey("LOCAL_UNSEALED").status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void passwordHashingFailsBelowOwaspsArgon2idCost() {
        assertThat(ConfigChecks.passwordHashing(PasswordHashingParameters.CURRENT).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.passwordHashing(new PasswordHashingParameters("argon2id", 4096, 2, 1, 16, 32)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.passwordHashing(new PasswordHashingParameters("argon2id", 19_456, 1, 1, 16, 32)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.passwordHashing(new PasswordHashingParameters("bcrypt", 19_456, 2, 1, 16, 32)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void lockoutFailsWhenTooLenientOrOff() {
        assertThat(ConfigChecks.lockout(new AuthProperties.Lockout(5, Duration.ofMinutes(1), Duration.ofHours(1))).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.lockout(new AuthProperties.Lockout(50, Duration.ofMinutes(1), Duration.ofHours(1))).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.lockout(new AuthProperties.Lockout(5, Duration.ofSeconds(1), Duration.ofHours(1))).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void accessTokensFailWithASharedSecretOrALongLife() {
        assertThat(ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.ES256, Duration.ofMinutes(15)).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.HS256, Duration.ofMinutes(15)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.ES256, Duration.ofHours(1)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void theEnforcerFailsWhenItHasNotRunWithinTwoIntervals() {
        assertThat(ConfigChecks.enforcerRan(Optional.of(NOW.minusSeconds(600)), Duration.ofHours(1), NOW).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.enforcerRan(Optional.of(NOW.minus(Duration.ofHours(3))), Duration.ofHours(1), NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.enforcerRan(Optional.empty(), Duration.ofHours(1), NOW).status()).isEqualTo(Check.Status.FAIL);
    }

    private static final TlsProbe.Handshake TLS13 = new TlsProbe.Handshake(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256", null);
    private static final TlsProbe.Handshake TLS12 = new TlsProbe.Handshake(true, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", null);
    private static final TlsProbe.Handshake REFUSED = new TlsProbe.Handshake(false, null, null, "SSLHandshakeException");

    private static TlsProbe.Observed observed(List<String> protocols, List<String> ciphers, TlsProbe.Handshake preferred,
                                              TlsProbe.Handshake tls12, TlsProbe.Handshake weak) {
        return new TlsProbe.Observed(8443, protocols, ciphers, preferred, tls12, List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"), weak);
    }

    @Test
    void secondFactorsFailWhenTheAppFactorMisbehavesOrAPasskeyOriginIsNotSecure() {
        MfaStatus.TotpSelfTest working = new MfaStatus.TotpSelfTest(true, true, true, true);
        PasskeyProperties site = new PasskeyProperties("example.com", "Example", List.of("https://app.example.com"));
        assertThat(ConfigChecks.mfa(working, site).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.mfa(working, new PasskeyProperties("localhost", "Dev", List.of("http://localhost:8080"))).status())
                .as("plain HTTP on the loopback host, for development").isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.mfa(new MfaStatus.TotpSelfTest(true, true, false, true), site).status())
                .as("a code accepted twice").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.mfa(new MfaStatus.TotpSelfTest(false, true, true, true), site).status())
                .as("off RFC 6238").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.mfa(working, new PasskeyProperties("example.com", "Example", List.of("http://app.example.com"))).status())
                .as("a plain-HTTP origin").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.mfa(working, new PasskeyProperties("example.com", "Example", List.of("https://example.com.evil.test"))).status())
                .as("an origin off the relying party's domain").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.mfa(working, new PasskeyProperties("example.com", "Example", List.of())).status())
                .as("no origin").isEqualTo(Check.Status.FAIL);
    }

    @Test
    void tlsIsNotConfiguredWhenAProxyTerminatesIt() {
        assertThat(ConfigChecks.tls(Optional.empty()).status()).isEqualTo(Check.Status.NOT_CONFIGURED);
    }

    @Test
    void tlsFailsWhenTheLiveConnectorAcceptsAnOldProtocolOrAWeakSuite() {
        List<String> good = List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        List<String> pinned = List.of("TLSv1.3", "TLSv1.2");
        assertThat(ConfigChecks.tls(Optional.of(observed(pinned, good, TLS13, TLS12, REFUSED))).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.tls(Optional.of(observed(List.of("TLSv1.3", "TLSv1.2", "TLSv1.1"), good, TLS13, TLS12, REFUSED))).status())
                .as("TLS 1.1 enabled").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.tls(Optional.of(observed(pinned, List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"), TLS13, TLS12, REFUSED)))
                .status()).as("a CBC suite enabled").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.tls(Optional.of(observed(pinned, good, TLS13, TLS12,
                new TlsProbe.Handshake(true, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", null)))).status())
                .as("a weak suite accepted in a live handshake").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.tls(Optional.of(observed(pinned, good, TLS12, TLS12, REFUSED))).status())
                .as("a client's first choice gets TLS 1.2").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.tls(Optional.of(observed(List.of(), List.of(), TLS13, TLS12, REFUSED))).status())
                .as("nothing read from the connector").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.tls(Optional.of(observed(pinned, good, REFUSED, REFUSED, REFUSED))).status())
                .as("no handshake at all").isEqualTo(Check.Status.FAIL);
    }

    @Test
    void rateLimitsFailWhenABudgetIsOff() {
        assertThat(ConfigChecks.rateLimits(new RateLimitProperties(600, 600, 3000, RateLimitProperties.Store.IN_PROCESS), 30).status())
                .isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.rateLimits(new RateLimitProperties(1_000_000_000, 600, 3000, RateLimitProperties.Store.IN_PROCESS), 30)
                .status()).as("a user budget in the billions").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.rateLimits(new RateLimitProperties(600, 600, 3000, RateLimitProperties.Store.IN_PROCESS), 2_000_000).status())
                .as("sign-in unlimited per address").isEqualTo(Check.Status.FAIL);
    }

    @Test
    void headersFailWhenOneIsMissingOrABannerIsSent() {
        Map<String, List<String>> all = new HashMap<>();
        ConfigChecks.HEADERS.forEach(h -> all.put(h, List.of("x")));
        assertThat(ConfigChecks.headers(200, HttpHeaders.of(all, (a, b) -> true)).status()).isEqualTo(Check.Status.PASS);
        for (String removed : ConfigChecks.HEADERS) {
            Map<String, List<String>> less = new HashMap<>(all);
            less.remove(removed);
            assertThat(ConfigChecks.headers(200, HttpHeaders.of(less, (a, b) -> true)).status()).as("without " + removed)
                    .isEqualTo(Check.Status.FAIL);
        }
        Map<String, List<String>> banner = new HashMap<>(all);
        banner.put("Server", List.of("Apache-Coyote/1.1"));
        assertThat(ConfigChecks.headers(200, HttpHeaders.of(banner, (a, b) -> true)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void securityTxtFailsWithoutAContactOrCloseToExpiry() {
        String good = "Contact: mailto:security@example.org\nExpires: 2027-05-01T00:00:00Z\n";
        assertThat(ConfigChecks.securityTxt(200, good, NOW).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:a@b.c\nExpires: 2026-12-20T00:00:00Z\n", NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(200, "Expires: 2027-05-01T00:00:00Z\n", NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:a@b.c\nExpires: soon\n", NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(404, good, NOW).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void checkpointsAreLateWhenAnEventWaitedMoreThanThreeIntervals() {
        Map<java.util.UUID, Instant> fresh = Map.of(java.util.UUID.randomUUID(), NOW.minusSeconds(20));
        assertThat(ConfigChecks.checkpointsFresh(fresh, Duration.ofSeconds(10), NOW).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.checkpointsFresh(Map.of(), Duration.ofSeconds(10), NOW).status()).isEqualTo(Check.Status.PASS);
        Map<java.util.UUID, Instant> late = Map.of(java.util.UUID.randomUUID(), NOW.minusSeconds(31));
        Check.Result failed = ConfigChecks.checkpointsFresh(late, Duration.ofSeconds(10), NOW);
        assertThat(failed.status()).isEqualTo(Check.Status.FAIL);
        assertThat(failed.evidence()).containsEntry("late", 1)
                .as("public evidence names no organisation").doesNotContainValue(late.keySet().iterator().next().toString());
        assertThat(failed.evidence().toString()).doesNotContain(late.keySet().iterator().next().toString());
    }

    @Test
    void aDataKeyOlderThanItsMaximumAgeIsOverdue() {
        assertThat(ConfigChecks.keyOverdue(NOW.minus(Duration.ofDays(30)), Duration.ofDays(365), NOW)).isEmpty();
        assertThat(ConfigChecks.keyOverdue(NOW.minus(Duration.ofDays(400)), Duration.ofDays(365), NOW)).isPresent();
    }
}
