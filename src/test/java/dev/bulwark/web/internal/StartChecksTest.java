package dev.bulwark.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;

import dev.bulwark.BulwarkApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.mock.env.MockEnvironment;

/**
 * Settings are checked before anything starts (issue 27, "Configuration"): a bad value, or a development convenience
 * under the {@code prod} profile, stops the start with its name, and the embedded database never started.
 */
class StartChecksTest {

    @TempDir
    Path dataDir;

    /** The list StartChecks binds is every {@code @ConfigurationProperties} class of Bulwark, found by a scan here. */
    @Test
    void theListOfSettingsRecordsIsComplete() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<String> scanned = scanner.findCandidateComponents("dev.bulwark").stream()
                .map(BeanDefinition::getBeanClassName)
                .filter(name -> !name.contains(".bench."))
                .sorted()
                .toList();
        List<String> listed = StartChecks.propertyClasses(getClass().getClassLoader()).stream().map(Class::getName).sorted().toList();
        assertThat(listed).as("src/main/resources/" + StartChecks.LIST + " should list exactly these").isEqualTo(scanned);
    }

    @Test
    void aBadSettingStopsTheStartBeforeTheDatabase() {
        Throwable refused = catchThrowable(() -> start("bulwark.http.max-body-size=10B"));
        assertThat(NestedExceptionUtils.getMostSpecificCause(refused)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bulwark.http.max-body-size must be between 1KB and 512MB");
        assertThat(refused).hasMessageContaining("bulwark.http");
        assertThat(dataDir.resolve("postgres")).as("no database was started").doesNotExist();

        Throwable ai = catchThrowable(() -> start("bulwark.ai.providers.x.kind=carrier-pigeon"));
        assertThat(NestedExceptionUtils.getMostSpecificCause(ai)).hasMessage("bulwark.ai.providers.x.kind must be openai or anthropic");
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }

    @Test
    void theProdProfileRefusesTheDevelopmentConveniences() {
        Throwable refused = catchThrowable(() -> start("spring.profiles.active=prod", "bulwark.http.public-origin=https://app.example.net"));
        assertThat(refused).isInstanceOf(StartChecks.ProductionRefusedException.class);
        assertThat(((StartChecks.ProductionRefusedException) refused).gaps()).containsExactly(
                "root key not sealed (BULWARK_KEYS_ROOT_PASSPHRASE or bulwark.keys.root-uri)",
                "placeholder security contact (BULWARK_SECURITY_CONTACT, BULWARK_SECURITY_POLICY_URL)",
                "HSTS off behind a TLS proxy (bulwark.http.hsts-always)",
                "placeholder audit origin (BULWARK_AUDIT_ORIGIN)",
                "metrics not served (BULWARK_METRICS_TOKEN)");
        assertThat(dataDir.resolve("postgres")).doesNotExist();
        assertThat(new ProductionRefusedAnalyzer().analyze(refused).getDescription())
                .startsWith("Bulwark refuses to start: the prod profile is active, but root key not sealed");
    }

    @Test
    void aProductionConfigurationHasNoGaps() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("bulwark.keys.root-passphrase", "a-long-passphrase-from-a-secret-store")
                .withProperty("bulwark.security-txt.contact", "mailto:security@acme.test")
                .withProperty("bulwark.security-txt.policy", "https://acme.test/security")
                .withProperty("bulwark.http.public-origin", "https://app.acme.test")
                .withProperty("bulwark.http.hsts-always", "true")
                .withProperty("bulwark.audit.origin", "app.acme.test/audit")
                .withProperty("bulwark.http.metrics-token", "0123456789abcdef0123456789abcdef");
        assertThat(ProductionChecklist.gaps(environment)).isEmpty();
        // TLS in the application instead of a proxy: HSTS is sent on its HTTPS answers anyway.
        environment.setProperty("bulwark.http.hsts-always", "false");
        environment.setProperty("bulwark.tls.enabled", "true");
        assertThat(ProductionChecklist.gaps(environment)).isEmpty();
        // A plain-HTTP public origin is not a production one.
        environment.setProperty("bulwark.http.public-origin", "http://app.acme.test");
        assertThat(ProductionChecklist.gaps(environment)).containsExactly("public origin not HTTPS (BULWARK_PUBLIC_URL)");
    }

    /** Starts Bulwark with {@code properties} as command-line arguments, as an operator would pass them. */
    private void start(String... properties) {
        java.util.List<String> args = new java.util.ArrayList<>();
        for (String property : properties) {
            args.add("--" + property);
        }
        args.add("--bulwark.database.embedded.data-dir=" + dataDir);
        args.add("--server.port=0");
        new SpringApplicationBuilder(BulwarkApplication.class).run(args.toArray(String[]::new)).close();
    }
}
