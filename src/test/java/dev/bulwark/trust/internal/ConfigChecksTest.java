package dev.bulwark.trust.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.bulwark.access.RateLimitProperties;
import dev.bulwark.ai.AiAssurance;
import dev.bulwark.audit.AuditProperties;
import dev.bulwark.egress.DestinationNotAllowedException;
import dev.bulwark.egress.Egress;
import dev.bulwark.egress.EgressProbe;
import dev.bulwark.egress.EgressProperties;
import dev.bulwark.egress.Resolver;
import dev.bulwark.egress.internal.HttpEgress;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.identity.MfaStatus;
import dev.bulwark.identity.PasskeyProperties;
import dev.bulwark.identity.PasswordHashingParameters;
import dev.bulwark.privacy.PrivacyProperties;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.TrustProperties;
import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.TlsProbe;
import dev.bulwark.webhooks.WebhookSigning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each configuration check passes on the shipped defaults and fails on a weakened value: every configured number
 * outside its bound, on each side it has, fails its check and is named in the evidence.
 */
class ConfigChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    /** The shipped defaults, bound from the same @DefaultValue annotations the application starts with. */
    private static final Binder DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()));
    private static final AuthProperties AUTH = DEFAULTS.bindOrCreate("bulwark.auth", AuthProperties.class);
    private static final RateLimitProperties LIMITS = DEFAULTS.bindOrCreate("bulwark.rate-limits", RateLimitProperties.class);
    private static final HttpProperties HTTP = DEFAULTS.bindOrCreate("bulwark.http", HttpProperties.class);
    private static final Duration ENFORCER = DEFAULTS.bindOrCreate("bulwark.privacy", PrivacyProperties.class).enforcerInterval();
    private static final Duration CHECKPOINTS = DEFAULTS.bindOrCreate("bulwark.audit", AuditProperties.class).checkpointInterval();
    private static final Duration SCAN_CYCLE = DEFAULTS.bindOrCreate("bulwark.trust", TrustProperties.class).scanCycle();
    /** Controls reads {@code bulwark.keys.max-age} with this default. */
    private static final Duration KEY_MAX_AGE = Duration.ofDays(365);
    private static final Sweeps.Cycle FRESH_CYCLE = new Sweeps.Cycle(NOW.minusSeconds(60), 1_000L);

    private static Check.Result rateLimits(int user, int key, int org, int signIn) {
        return ConfigChecks.rateLimits(new RateLimitProperties(user, key, org, RateLimitProperties.Store.IN_PROCESS), signIn);
    }

    private static Check.Result lockout(int threshold, Duration first, Duration max) {
        return ConfigChecks.lockout(new AuthProperties.Lockout(threshold, first, max));
    }

    private static Check.Result hashing(int memory, int iterations, int parallelism, int salt, int hash) {
        return ConfigChecks.passwordHashing(new PasswordHashingParameters("argon2id", memory, iterations, parallelism, salt, hash));
    }

    private static Check.Result limits(DataSize body, DataSize header, int depth, int string, Duration headerTimeout, Duration bodyTimeout) {
        return ConfigChecks.requestLimits(new HttpProperties(body, null, 30, List.of(), false, List.of(), headerTimeout, bodyTimeout,
                header, depth, string, java.net.URI.create("http://localhost:8080"), 64));
    }

    private static Check.Result swept(Duration scanCycle, Duration keyMaxAge) {
        return ConfigChecks.swept(0, new Sweeps.Cycle(NOW.minusSeconds(60), 1_000L), scanCycle, NOW, Map.of(), Map.of(),
                ConfigChecks.keyMaxAge(keyMaxAge));
    }

    /** The checks as the running application makes them from its defaults: every one passes. */
    private static List<Check.Result> defaults() {
        return List.of(
                ConfigChecks.rateLimits(LIMITS, HTTP.authRequestsPerMinute()),
                ConfigChecks.lockout(AUTH.lockout()),
                ConfigChecks.accessTokens(AUTH.signingAlgorithm(), AUTH.accessTokenTtl()),
                ConfigChecks.sessions(AUTH.sessionIdleTtl(), AUTH.sessionAbsoluteTtl(), AUTH.stepUpWindow()),
                ConfigChecks.passwordHashing(PasswordHashingParameters.CURRENT),
                ConfigChecks.enforcerRan(Optional.of(NOW.minusSeconds(60)), ENFORCER, NOW),
                ConfigChecks.requestLimits(HTTP),
                ConfigChecks.checkpointsFresh(Map.of(), CHECKPOINTS, NOW),
                ConfigChecks.swept(0, FRESH_CYCLE, SCAN_CYCLE, NOW, Map.of(), Map.of(), ConfigChecks.keyMaxAge(KEY_MAX_AGE)));
    }

    /** Each bound broken, on each side it has: {setting, the check's result}. */
    static Stream<Arguments> brokenBounds() {
        Duration m = Duration.ofMinutes(1);
        return Stream.of(
                broken("bulwark.http.auth-requests-per-minute", rateLimits(600, 600, 3000, 61)),
                broken("bulwark.http.auth-requests-per-minute", rateLimits(600, 600, 3000, 1_000_000)),
                broken("bulwark.rate-limits.user-per-minute", rateLimits(6_001, 600, 3000, 30)),
                broken("bulwark.rate-limits.user-per-minute", rateLimits(1_000_000, 600, 3000, 30)),
                broken("bulwark.rate-limits.api-key-per-minute", rateLimits(600, 6_001, 3000, 30)),
                broken("bulwark.rate-limits.organisation-per-minute", rateLimits(600, 600, 30_001, 30)),
                broken("bulwark.auth.lockout.threshold", lockout(11, m, Duration.ofHours(1))),
                broken("bulwark.auth.lockout.threshold", lockout(0, m, Duration.ofHours(1))),
                broken("bulwark.auth.lockout.first-lock", lockout(5, Duration.ofSeconds(29), Duration.ofHours(1))),
                broken("bulwark.auth.lockout.first-lock", lockout(5, Duration.ofMinutes(61), Duration.ofHours(2))),
                broken("bulwark.auth.lockout.max-lock", lockout(5, m, Duration.ofMinutes(14))),
                broken("bulwark.auth.lockout.max-lock", lockout(5, m, Duration.ofDays(2))),
                broken("bulwark.auth.access-token-ttl", ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.ES256, Duration.ofMinutes(16))),
                broken("bulwark.auth.access-token-ttl", ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.ES256, Duration.ofSeconds(59))),
                broken("bulwark.auth.session-idle-ttl", ConfigChecks.sessions(Duration.ofHours(25), Duration.ofDays(14), Duration.ofMinutes(10))),
                broken("bulwark.auth.session-idle-ttl", ConfigChecks.sessions(Duration.ofMinutes(4), Duration.ofDays(14), Duration.ofMinutes(10))),
                broken("bulwark.auth.session-absolute-ttl", ConfigChecks.sessions(Duration.ofHours(24), Duration.ofDays(31), Duration.ofMinutes(10))),
                broken("bulwark.auth.session-absolute-ttl", ConfigChecks.sessions(Duration.ofMinutes(30), Duration.ofMinutes(59), Duration.ofMinutes(10))),
                broken("bulwark.auth.step-up-window", ConfigChecks.sessions(Duration.ofHours(24), Duration.ofDays(14), Duration.ofMinutes(11))),
                broken("bulwark.auth.step-up-window", ConfigChecks.sessions(Duration.ofHours(24), Duration.ofDays(14), Duration.ofSeconds(59))),
                broken("memoryKiB", hashing(19_455, 2, 1, 16, 32)),
                broken("memoryKiB", hashing(262_145, 2, 1, 16, 32)),
                broken("iterations", hashing(19_456, 1, 1, 16, 32)),
                broken("iterations", hashing(19_456, 11, 1, 16, 32)),
                broken("parallelism", hashing(19_456, 2, 0, 16, 32)),
                broken("parallelism", hashing(19_456, 2, 9, 16, 32)),
                broken("saltBytes", hashing(19_456, 2, 1, 15, 32)),
                broken("saltBytes", hashing(19_456, 2, 1, 65, 32)),
                broken("hashBytes", hashing(19_456, 2, 1, 16, 31)),
                broken("hashBytes", hashing(19_456, 2, 1, 16, 65)),
                broken("bulwark.privacy.enforcer-interval", ConfigChecks.enforcerRan(Optional.of(NOW.minusSeconds(10)), Duration.ofDays(2), NOW)),
                broken("bulwark.privacy.enforcer-interval", ConfigChecks.enforcerRan(Optional.of(NOW.minusSeconds(10)), Duration.ofSeconds(59), NOW)),
                broken("bulwark.http.max-body-size", limits(DataSize.ofMegabytes(11), DataSize.ofKilobytes(16), 32, 1 << 20, Duration.ofSeconds(20), Duration.ofSeconds(30))),
                broken("bulwark.http.max-header-size", limits(DataSize.ofMegabytes(1), DataSize.ofKilobytes(65), 32, 1 << 20, Duration.ofSeconds(20), Duration.ofSeconds(30))),
                broken("bulwark.http.max-json-depth", limits(DataSize.ofMegabytes(1), DataSize.ofKilobytes(16), 65, 1 << 20, Duration.ofSeconds(20), Duration.ofSeconds(30))),
                broken("bulwark.http.max-json-string-length", limits(DataSize.ofMegabytes(1), DataSize.ofKilobytes(16), 32, 11 << 20, Duration.ofSeconds(20), Duration.ofSeconds(30))),
                broken("bulwark.http.header-timeout", limits(DataSize.ofMegabytes(1), DataSize.ofKilobytes(16), 32, 1 << 20, Duration.ofSeconds(61), Duration.ofSeconds(30))),
                broken("bulwark.http.body-timeout", limits(DataSize.ofMegabytes(1), DataSize.ofKilobytes(16), 32, 1 << 20, Duration.ofSeconds(20), Duration.ofSeconds(121))),
                broken("bulwark.audit.checkpoint-interval", ConfigChecks.checkpointsFresh(Map.of(), Duration.ofMinutes(6), NOW)),
                broken("bulwark.keys.max-age", swept(SCAN_CYCLE, Duration.ofDays(731))),
                broken("bulwark.keys.max-age", swept(SCAN_CYCLE, Duration.ofHours(23))),
                broken("bulwark.trust.scan-cycle", swept(Duration.ofDays(8), KEY_MAX_AGE)),
                broken("bulwark.trust.scan-cycle", swept(Duration.ofSeconds(59), KEY_MAX_AGE)));
    }

    private static Arguments broken(String setting, Check.Result result) {
        return Arguments.of(setting, result);
    }

    @Test
    void theShippedDefaultsPassEveryBoundedCheck() {
        assertThat(defaults()).allSatisfy(r -> assertThat(r.status()).as("%s", r.evidence()).isEqualTo(Check.Status.PASS));
    }

    @ParameterizedTest(name = "{0} out of its bound fails its check")
    @MethodSource("brokenBounds")
    @SuppressWarnings("unchecked")
    void aConfiguredNumberOutsideItsBoundFailsItsCheck(String setting, Check.Result result) {
        assertThat(result.status()).as("%s", result.evidence()).isEqualTo(Check.Status.FAIL);
        assertThat((List<String>) result.evidence().get("outOfBounds")).containsExactly(setting);
    }

    /** Every bound a check applies is broken above, so a bound added later without a test that breaks it fails here. */
    @Test
    void everyBoundHasACaseThatBreaksIt() {
        Set<String> bounded = new TreeSet<>();
        for (Check.Result r : defaults()) {
            r.evidence().forEach((key, value) -> {
                if (value instanceof Map<?, ?> shown && shown.containsKey("allowed")) {
                    bounded.add(key);
                }
            });
        }
        Set<String> broken = brokenBounds().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        assertThat(broken).isEqualTo(bounded);
    }

    @Test
    void rootKeyFailsOnTheReadableDevelopmentKeyset() {
        assertThat(ConfigChecks.rootKey("LOCAL_SEALED").status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.rootKey("KMS").status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.rootKey("LOCAL_UNSEALED").status()).isEqualTo(Check.Status.FAIL);
        // How the key is held is for the operators; the public learns only whether it is protected.
        assertThat(ConfigChecks.rootKey("KMS").evidence()).isEqualTo(ConfigChecks.rootKey("LOCAL_SEALED").evidence());
        assertThat(ConfigChecks.rootKey("KMS").operatorEvidence()).containsEntry("rootKeyForm", "KMS");
    }

    @Test
    void passwordHashingFailsBelowOwaspsArgon2idCost() {
        assertThat(ConfigChecks.passwordHashing(PasswordHashingParameters.CURRENT).status()).isEqualTo(Check.Status.PASS);
        assertThat(hashing(4096, 2, 1, 16, 32).status()).isEqualTo(Check.Status.FAIL);
        assertThat(hashing(19_456, 1, 1, 16, 32).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.passwordHashing(new PasswordHashingParameters("bcrypt", 19_456, 2, 1, 16, 32)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void lockoutFailsWhenTooLenientOrOff() {
        assertThat(lockout(5, Duration.ofMinutes(1), Duration.ofHours(1)).status()).isEqualTo(Check.Status.PASS);
        assertThat(lockout(50, Duration.ofMinutes(1), Duration.ofHours(1)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(lockout(5, Duration.ofSeconds(1), Duration.ofHours(1)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void accessTokensFailWithASharedSecretOrALongLife() {
        assertThat(ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.ES256, Duration.ofMinutes(15)).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.HS256, Duration.ofMinutes(15)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.accessTokens(AuthProperties.SigningAlgorithm.ES256, Duration.ofHours(1)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void sessionsFailWhenTheyOutliveTheirBounds() {
        assertThat(ConfigChecks.sessions(Duration.ofHours(24), Duration.ofDays(14), Duration.ofMinutes(10)).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.sessions(Duration.ofDays(30), Duration.ofDays(365), Duration.ofHours(1)).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void requestLimitsFailWhenABodyOrAStallIsUnbounded() {
        assertThat(ConfigChecks.requestLimits(HTTP).status()).isEqualTo(Check.Status.PASS);
        assertThat(limits(DataSize.ofMegabytes(512), DataSize.ofKilobytes(16), 32, 1 << 20, Duration.ofHours(1), Duration.ofSeconds(30))
                .status()).isEqualTo(Check.Status.FAIL);
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
    void aiOffByDefaultFailsWhenAnOrganisationWithoutPolicyReadsAiOnOrACallOfItIsAdmitted() {
        var off = new AiAssurance.Unconfigured(false, Map.of("mistral-eu", "ai-disabled", "claude-us", "ai-disabled"));
        Check.Result healthy = ConfigChecks.aiOffByDefault(off, 0, FRESH_CYCLE, SCAN_CYCLE, NOW, 3);
        assertThat(healthy.status()).isEqualTo(Check.Status.PASS);
        assertThat(healthy.evidence()).containsEntry("defaultState", "enabled:false");
        assertThat(healthy.operatorEvidence()).containsEntry("organisationsWithAiEnabled", 3L);
        assertThat(ConfigChecks.aiOffByDefault(new AiAssurance.Unconfigured(true, Map.of("mistral-eu", "ai-provider-not-allowed")),
                0, FRESH_CYCLE, SCAN_CYCLE, NOW, 0).status()).as("the default reads AI on").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.aiOffByDefault(new AiAssurance.Unconfigured(false, Map.of("mistral-eu", "admitted")),
                0, FRESH_CYCLE, SCAN_CYCLE, NOW, 0).status()).as("the gateway admits a call without policy").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.aiOffByDefault(off, 1, FRESH_CYCLE, SCAN_CYCLE, NOW, 0).status())
                .as("an organisation without policy reads AI on").isEqualTo(Check.Status.FAIL);
    }

    @Test
    void aiPromptsSanitisedFailsWhenAnOriginalWouldBeSentOrTheEmailIsNotRestored() {
        List<String> planted = List.of("secret", "card", "iban", "email");
        assertThat(ConfigChecks.aiPromptsSanitised(new AiAssurance.Canary(planted, List.of(), true, false)).status())
                .isEqualTo(Check.Status.PASS);
        for (String kind : planted) {
            assertThat(ConfigChecks.aiPromptsSanitised(new AiAssurance.Canary(planted, List.of(kind), true, false)).status())
                    .as(kind + " leaked").isEqualTo(Check.Status.FAIL);
        }
        assertThat(ConfigChecks.aiPromptsSanitised(new AiAssurance.Canary(planted, List.of(), false, false)).status())
                .as("the email placeholder not restored").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.aiPromptsSanitised(new AiAssurance.Canary(planted, List.of(), false, true)).status())
                .as("the sanitiser failed").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.aiPromptsSanitised(new AiAssurance.Canary(List.of("email"), List.of(), true, false)).status())
                .as("a kind not planted").isEqualTo(Check.Status.FAIL);
    }

    @Test
    void aiUsageRetentionFailsWhenTheOldestRecordOutlivedItsPeriod() {
        Duration interval = Duration.ofHours(1);
        assertThat(ConfigChecks.usageOverdue(Optional.empty(), 90, interval, NOW)).isEmpty();
        assertThat(ConfigChecks.usageOverdue(Optional.of(NOW.minus(Duration.ofDays(89))), 90, interval, NOW)).isEmpty();
        assertThat(ConfigChecks.usageOverdue(Optional.of(NOW.minus(Duration.ofDays(90)).minusSeconds(60)), 90, interval, NOW))
                .as("within two enforcer intervals past the period").isEmpty();
        assertThat(ConfigChecks.usageOverdue(Optional.of(NOW.minus(Duration.ofDays(91))), 90, interval, NOW)).isPresent();
        assertThat(ConfigChecks.usageOverdue(Optional.of(NOW.minus(Duration.ofDays(31))), 30, interval, NOW))
                .as("the organisation's own period").isPresent();
        assertThat(ConfigChecks.swept(1, FRESH_CYCLE, SCAN_CYCLE, NOW, Map.of(), Map.of()).status()).isEqualTo(Check.Status.FAIL);
    }

    @Test
    void aiProvidersFailWhenOneIsPublishedWithoutRegionOrModels() {
        var eu = new AiAssurance.PublishedProvider("mistral-eu", "openai", "eu", List.of("mistral-large-latest"));
        Check.Result healthy = ConfigChecks.aiProviders(List.of(eu));
        assertThat(healthy.status()).isEqualTo(Check.Status.PASS);
        assertThat(healthy.evidence().toString()).contains("mistral-eu", "openai", "eu", "mistral-large-latest")
                .doesNotContainIgnoringCase("key").doesNotContain("http");
        assertThat(ConfigChecks.aiProviders(List.of(eu, new AiAssurance.PublishedProvider("x", "openai", " ", List.of("m")))).status())
                .as("no region").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.aiProviders(List.of(new AiAssurance.PublishedProvider("x", "openai", "us", List.of()))).status())
                .as("no model").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.aiProviders(List.of()).status()).isEqualTo(Check.Status.NOT_CONFIGURED);
    }

    @Test
    void signaturesFailWhenAnyPartOfTheCanaryMisbehaves() {
        assertThat(ConfigChecks.signatures(new dev.bulwark.signatures.SignatureSelfTest.SelfTest(true, true, true, true)).status())
                .isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.signatures(new dev.bulwark.signatures.SignatureSelfTest.SelfTest(false, true, true, true)).status())
                .as("sealed evidence does not verify").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.signatures(new dev.bulwark.signatures.SignatureSelfTest.SelfTest(true, false, true, true)).status())
                .as("a changed byte still verifies").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.signatures(new dev.bulwark.signatures.SignatureSelfTest.SelfTest(true, true, false, true)).status())
                .as("a signature moved to another version still verifies").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.signatures(new dev.bulwark.signatures.SignatureSelfTest.SelfTest(true, true, true, false)).status())
                .as("any certificate verifies").isEqualTo(Check.Status.FAIL);
    }

    @Test
    void webhookSigningFailsWhenAnyPartOfTheCanaryMisbehaves() {
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning().run()).status()).as("the production signing, live")
                .isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning.SelfTest(true, true, true, true, true)).status())
                .isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning.SelfTest(false, true, true, true, true)).status())
                .as("the reference library refuses the signature").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning.SelfTest(true, false, true, true, true)).status())
                .as("a rotation drops the previous secret at once").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning.SelfTest(true, true, false, true, true)).status())
                .as("a changed body still verifies").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning.SelfTest(true, true, true, false, true)).status())
                .as("any secret verifies").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.webhookSigning(new WebhookSigning.SelfTest(true, true, true, true, false)).status())
                .as("personal data in the body").isEqualTo(Check.Status.FAIL);
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
        assertThat(rateLimits(600, 600, 3000, 30).status()).isEqualTo(Check.Status.PASS);
        assertThat(rateLimits(1_000_000_000, 600, 3000, 30).status()).as("a user budget in the billions").isEqualTo(Check.Status.FAIL);
        assertThat(rateLimits(600, 600, 3000, 2_000_000).status()).as("sign-in unlimited per address").isEqualTo(Check.Status.FAIL);
        assertThat(rateLimits(600, 600, 3000, 1_000_000).status()).as("a million sign-ins a minute, which once passed")
                .isEqualTo(Check.Status.FAIL);
        assertThat(rateLimits(600, 600, 3000, 30).evidence().toString()).as("where budgets live is for the operators")
                .doesNotContain("IN_PROCESS");
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
        String policy = "Policy: https://acme-saas.eu/security\n";
        String good = "Contact: mailto:security@acme-saas.eu\nExpires: 2027-05-01T00:00:00Z\n" + policy;
        assertThat(ConfigChecks.securityTxt(200, good, NOW).status()).isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:a@b.c\nExpires: 2026-12-20T00:00:00Z\n" + policy, NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(200, "Expires: 2027-05-01T00:00:00Z\n" + policy, NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:a@b.c\nExpires: soon\n" + policy, NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(404, good, NOW).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:a@b.c\nExpires: 2028-01-01T00:00:00Z\n" + policy, NOW).status())
                .as("more than a year ahead (RFC 9116)").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:security@acme-saas.eu\nExpires: 2027-05-01T00:00:00Z\n", NOW).status())
                .as("no policy, which the claim names").isEqualTo(Check.Status.FAIL);
    }

    /** The addresses Bulwark ships with, and any at a reserved name, are not configured: never a pass. */
    @Test
    void securityTxtAtAPlaceholderAddressIsNotConfiguredNotAPass() {
        String expires = "Expires: 2027-05-01T00:00:00Z\n";
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:security@bulwark.localhost\n" + expires
                + "Policy: https://bulwark.localhost/security-policy\n", NOW).status()).as("the shipped defaults").isEqualTo(Check.Status.NOT_CONFIGURED);
        for (String contact : List.of("mailto:security@example.org", "mailto:a@sub.example.com", "https://report.test/x",
                "https://localhost/report", "mailto:x@corp.invalid", "mailto:x@acme.example")) {
            assertThat(ConfigChecks.securityTxt(200, "Contact: " + contact + "\n" + expires + "Policy: https://acme-saas.eu/p\n", NOW).status())
                    .as(contact).isEqualTo(Check.Status.NOT_CONFIGURED);
        }
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:security@acme-saas.eu\nContact: mailto:x@example.net\n" + expires
                + "Policy: https://acme-saas.eu/p\n", NOW).status()).as("one placeholder among real ones").isEqualTo(Check.Status.NOT_CONFIGURED);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:security@acme-saas.eu\n" + expires + "Policy: https://www.example.com/p\n",
                NOW).status()).as("a placeholder policy").isEqualTo(Check.Status.NOT_CONFIGURED);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:security@example-corp.com\n" + expires + "Policy: https://notexample.org/p\n",
                NOW).status()).as("names that merely contain a reserved one").isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.securityTxt(200, "Contact: mailto:security@bulwark.localhost\nExpires: 2026-12-20T00:00:00Z\n"
                + "Policy: https://acme-saas.eu/p\n", NOW).status()).as("a failure stays a failure").isEqualTo(Check.Status.FAIL);
    }

    /** No list is not configured (never "none"); a listed subprocessor missing a field fails; said-none passes. */
    @Test
    void subprocessorsAreNotConfiguredWithoutAListAndFailWhenOneIsIncomplete() {
        var full = new dev.bulwark.trust.TrustProperties.Subprocessor("Hetzner", "Hosting", "All", "EU", "Signed");
        var partial = new dev.bulwark.trust.TrustProperties.Subprocessor("Mailer", "Email", "Addresses", " ", "Signed");
        assertThat(ConfigChecks.subprocessors(List.of(), false).status()).isEqualTo(Check.Status.NOT_CONFIGURED);
        assertThat(ConfigChecks.subprocessors(List.of(), true).status()).as("the operator said there are none").isEqualTo(Check.Status.PASS);
        assertThat(ConfigChecks.subprocessors(List.of(full), false).status()).isEqualTo(Check.Status.PASS);
        Check.Result incomplete = ConfigChecks.subprocessors(List.of(full, partial), false);
        assertThat(incomplete.status()).isEqualTo(Check.Status.FAIL);
        assertThat(incomplete.evidence()).containsEntry("incomplete", List.of("Mailer"));
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
        assertThat(failed.evidence()).as("how many organisations have chains is for the operators").doesNotContainKey("chainsBehind");
        assertThat(failed.operatorEvidence()).containsEntry("chainsBehind", 1);
    }

    @Test
    void aDataKeyOlderThanItsMaximumAgeIsOverdue() {
        assertThat(ConfigChecks.keyOverdue(NOW.minus(Duration.ofDays(30)), Duration.ofDays(365), NOW)).isEmpty();
        assertThat(ConfigChecks.keyOverdue(NOW.minus(Duration.ofDays(400)), Duration.ofDays(365), NOW)).isPresent();
    }

    @Test
    void aSweepFailsWithAnOpenFindingOrACycleLongerThanItsBound() {
        Map<String, Object> sizes = Map.of("organisations", 42);
        Check.Result healthy = ConfigChecks.swept(0, FRESH_CYCLE, SCAN_CYCLE, NOW, Map.of(), sizes);
        assertThat(healthy.status()).isEqualTo(Check.Status.PASS);
        assertThat(healthy.evidence()).as("sizes are for the operators").doesNotContainKey("organisations");
        assertThat(healthy.operatorEvidence()).isEqualTo(sizes);
        assertThat(ConfigChecks.swept(1, FRESH_CYCLE, SCAN_CYCLE, NOW, Map.of(), sizes).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.swept(0, new Sweeps.Cycle(NOW.minus(Duration.ofDays(2)), null), SCAN_CYCLE, NOW, Map.of(), sizes).status())
                .isEqualTo(Check.Status.FAIL);
    }

    /** A fixed state of the database's supervision, as the trust check reads it. */
    private record Supervision(boolean supervised, String state, Map<String, Object> details)
            implements dev.bulwark.tenancy.DatabaseSupervision {
    }

    @Test
    void theDatabaseCheckFailsWhileItsDatabaseIsDownAndShowsRestarts() {
        Check.Result up = ConfigChecks.database(new Supervision(true, "running", Map.of("server", "running", "restarts", 2,
                "since", NOW.toString())));
        assertThat(up.status()).isEqualTo(Check.Status.PASS);
        assertThat(up.evidence()).containsEntry("state", "running").containsEntry("restartsSinceStart", 2);
        assertThat(up.operatorEvidence()).containsEntry("since", NOW.toString());

        Check.Result restarting = ConfigChecks.database(new Supervision(true, "restarting", Map.of("restarts", 2, "attempts", 3,
                "lastFailure", "FATAL: the database system is starting up")));
        assertThat(restarting.status()).isEqualTo(Check.Status.FAIL);
        assertThat(restarting.evidence()).as("what PostgreSQL said is for the operators").doesNotContainKey("lastFailure");
        assertThat(restarting.operatorEvidence()).containsKey("lastFailure");
        assertThat(ConfigChecks.database(new Supervision(true, "gave_up", Map.of("restarts", 0))).status()).isEqualTo(Check.Status.FAIL);

        assertThat(ConfigChecks.database(new Supervision(false, "external", Map.of())).status())
                .as("an external PostgreSQL is its platform's to restart").isEqualTo(Check.Status.NOT_CONFIGURED);
    }

    /**
     * The live check of egress: against the real client it passes (every vector refused, no connection); against a
     * client that forgot loopback — it sends to 127.0.0.1 and [::1] with the JDK's HttpClient and refuses the rest —
     * the loopback listener sees connections and the check fails, naming the vectors that got through.
     */
    /**
     * The single sign-on check: it passes only when the probe's password sign-in at an enforced domain answered
     * sso-required and the unverified domain was not enforced; the live probe itself runs in SingleSignOnTest.
     */
    @Test
    void ssoFailsWhenAnEnforcedDomainTakesAPasswordOrAnUnverifiedOneIsEnforced() {
        assertThat(ConfigChecks.sso(new dev.bulwark.sso.SsoProbe.Observed(true, "403 sso-required", false, 3)).status())
                .isEqualTo(Check.Status.PASS);
        Check.Result accepted = ConfigChecks.sso(new dev.bulwark.sso.SsoProbe.Observed(false, "UnauthenticatedException", false, 3));
        assertThat(accepted.status()).isEqualTo(Check.Status.FAIL);
        assertThat(accepted.evidence()).containsEntry("passwordSignInAtEnforcedDomain", "UnauthenticatedException")
                .doesNotContainKey("organisationsWithVerifiedDomains");
        assertThat(ConfigChecks.sso(new dev.bulwark.sso.SsoProbe.Observed(true, "403 sso-required", true, 3)).status())
                .isEqualTo(Check.Status.FAIL);
    }

    @Test
    void egressFailsWhenAnInternalAddressIsReachable() throws Exception {
        EgressProperties defaults = DEFAULTS.bindOrCreate("bulwark.egress", EgressProperties.class);
        Resolver system = host -> List.of(java.net.InetAddress.getAllByName(host));
        Check.Result healthy = ConfigChecks.egress(new EgressProbe(new HttpEgress(defaults, system,
                (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault()), List.of()).observe());
        assertThat(healthy.status()).isEqualTo(Check.Status.PASS);
        assertThat(healthy.evidence()).containsEntry("connectionsSeen", 0).containsEntry("vectorsRefused", 18)
                .containsEntry("vectorsTried", 18);

        Egress forgetful = new Egress() {
            private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

            @Override
            public Destination check(String url) {
                throw new DestinationNotAllowedException("refused");
            }

            @Override
            public Streamed open(Call call) {
                throw new DestinationNotAllowedException("refused"); // the probe uses send only
            }

            @Override
            public Answer send(Call call) {
                java.net.URI uri = java.net.URI.create(call.url());
                if (!"127.0.0.1".equals(uri.getHost()) && !"[::1]".equals(uri.getHost())) {
                    throw new DestinationNotAllowedException("refused");
                }
                try {
                    var answer = client.send(java.net.http.HttpRequest.newBuilder(uri).timeout(call.timeout()).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    return new Answer(answer.statusCode(), answer.headers().map(), answer.body());
                } catch (java.io.IOException e) {
                    throw new dev.bulwark.egress.EgressFailure("timeout", "no answer");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.bulwark.egress.EgressFailure("timeout", "interrupted");
                }
            }
        };
        Check.Result broken = ConfigChecks.egress(new EgressProbe(forgetful, List.of()).observe());
        assertThat(broken.status()).isEqualTo(Check.Status.FAIL);
        assertThat((Integer) broken.evidence().get("connectionsSeen")).isPositive();
        assertThat(broken.evidence().get("notRefused")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains("IPv4 loopback");
    }

    /** A backup configuration as the check reads it: a schedule of a day, the last backup and the archive as given. */
    private record Backups(boolean configured, Optional<LastBackup> lastBackup, ArchiveStatus archive)
            implements dev.bulwark.tenancy.DatabaseBackups {

        @Override
        public Optional<Instant> dueAfter(Instant last) {
            return Optional.of(last.plus(Duration.ofDays(1)));
        }

        @Override
        public LastBackup backupNow(java.nio.file.Path target) {
            throw new UnsupportedOperationException("the check never takes a backup");
        }
    }

    private static dev.bulwark.tenancy.DatabaseBackups.ArchiveStatus archived(Instant at, Instant failedAt, long pending) {
        return new dev.bulwark.tenancy.DatabaseBackups.ArchiveStatus(true, "000000010000000000000009", at,
                failedAt == null ? null : "00000001000000000000000A", failedAt, failedAt == null ? 0 : 1, pending,
                Duration.ofSeconds(60), null);
    }

    @Test
    void backupFreshnessFailsWhenTheArchiveFailsOrLagsOrTheBackupIsOverdue() {
        var recent = Optional.of(new dev.bulwark.tenancy.DatabaseBackups.LastBackup(java.nio.file.Path.of("/b"),
                NOW.minus(Duration.ofHours(2)), 10, 1000));
        assertThat(ConfigChecks.backupFresh(new Backups(false, Optional.empty(),
                dev.bulwark.tenancy.DatabaseBackups.ArchiveStatus.off()), NOW).status()).isEqualTo(Check.Status.NOT_CONFIGURED);
        Check.Result healthy = ConfigChecks.backupFresh(new Backups(true, recent, archived(NOW.minusSeconds(30), null, 4096)), NOW);
        assertThat(healthy.status()).isEqualTo(Check.Status.PASS);
        assertThat(healthy.evidence()).containsEntry("lastArchivedWal", "000000010000000000000009");
        assertThat(ConfigChecks.backupFresh(new Backups(true, recent, archived(NOW.minus(Duration.ofHours(1)), null, 0)), NOW)
                .status()).as("a quiet database: nothing waits to be archived").isEqualTo(Check.Status.PASS);

        assertThat(ConfigChecks.backupFresh(new Backups(true, Optional.empty(), archived(NOW.minusSeconds(30), null, 0)), NOW)
                .status()).as("no base backup").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.backupFresh(new Backups(true, recent, archived(NOW.minusSeconds(30), NOW.minusSeconds(5), 0)), NOW)
                .status()).as("the last archive attempt failed").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.backupFresh(new Backups(true, recent, archived(NOW.minusSeconds(121), null, 1)), NOW)
                .status()).as("WAL waited past the timeout and its margin").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.backupFresh(new Backups(true, recent, archived(NOW.minusSeconds(119), null, 1)), NOW)
                .status()).isEqualTo(Check.Status.PASS);
        var overdue = Optional.of(new dev.bulwark.tenancy.DatabaseBackups.LastBackup(java.nio.file.Path.of("/b"),
                NOW.minus(Duration.ofHours(26)), 10, 1000));
        assertThat(ConfigChecks.backupFresh(new Backups(true, overdue, archived(NOW.minusSeconds(30), null, 0)), NOW)
                .status()).as("a daily backup more than an hour overdue").isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.backupFresh(new Backups(true, recent, new dev.bulwark.tenancy.DatabaseBackups.ArchiveStatus(true,
                null, null, null, null, 0, 0, Duration.ofSeconds(60), "the database is not running")), NOW).status())
                .isEqualTo(Check.Status.FAIL);
    }

    @Test
    void theDrillCheckFailsWhenTheLastDrillFailedIsUnsignedOrOld() {
        var passed = new dev.bulwark.recovery.DrillReport(NOW.minusSeconds(60), 3, 120, true, 40.5, NOW.minus(Duration.ofDays(1)),
                "/b", List.of());
        assertThat(ConfigChecks.backupDrill(Optional.empty(), NOW).status()).isEqualTo(Check.Status.NOT_CONFIGURED);
        Check.Result ok = ConfigChecks.backupDrill(Optional.of(new dev.bulwark.recovery.DrillReport.Read(passed, true)), NOW);
        assertThat(ok.status()).isEqualTo(Check.Status.PASS);
        assertThat(ok.evidence()).containsEntry("eventsVerified", 120L).doesNotContainKey("backup");
        assertThat(ConfigChecks.backupDrill(Optional.of(new dev.bulwark.recovery.DrillReport.Read(passed, false)), NOW).status())
                .as("a pass whose signature does not verify").isEqualTo(Check.Status.FAIL);
        var failed = new dev.bulwark.recovery.DrillReport(null, 0, 0, false, 1, NOW.minusSeconds(60), "/b",
                List.of("the backup does not match its manifest"));
        assertThat(ConfigChecks.backupDrill(Optional.of(new dev.bulwark.recovery.DrillReport.Read(failed, false)), NOW).status())
                .isEqualTo(Check.Status.FAIL);
        var old = new dev.bulwark.recovery.DrillReport(NOW.minus(Duration.ofDays(9)), 3, 120, true, 40.5,
                NOW.minus(Duration.ofDays(8)), "/b", List.of());
        assertThat(ConfigChecks.backupDrill(Optional.of(new dev.bulwark.recovery.DrillReport.Read(old, true)), NOW).status())
                .as("more than 7 days ago").isEqualTo(Check.Status.FAIL);
    }
}
