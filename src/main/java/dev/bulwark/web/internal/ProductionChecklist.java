package dev.bulwark.web.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The development conveniences a production deployment must not keep (docs/observability.md, "Production"). With the
 * {@code prod} profile active, any of them refuses the start ({@link StartChecks}); without it, the start-up line names
 * those still in place ({@link StartupBanner}). Read from the environment by name, so it runs before any bean exists.
 */
final class ProductionChecklist {

    static final String PROFILE = "prod";

    private ProductionChecklist() {
    }

    static boolean production(Environment environment) {
        return environment.acceptsProfiles(Profiles.of(PROFILE));
    }

    /** What is not yet configured for production, each as a short phrase naming the setting that fixes it. */
    static List<String> gaps(Environment environment) {
        List<String> gaps = new ArrayList<>();
        if (blank(environment, "bulwark.keys.root-uri") && blank(environment, "bulwark.keys.root-passphrase")) {
            gaps.add("root key not sealed (BULWARK_KEYS_ROOT_PASSPHRASE or bulwark.keys.root-uri)");
        }
        if (!blank(environment, "bulwark.keys.local-kms-dir")) {
            gaps.add("local KMS stand-in on (unset bulwark.keys.local-kms-dir)");
        }
        String contact = environment.getProperty("bulwark.security-txt.contact", "mailto:security@bulwark.localhost");
        String policy = environment.getProperty("bulwark.security-txt.policy", "https://bulwark.localhost/security-policy");
        if (placeholder(contact) || placeholder(policy)) {
            gaps.add("placeholder security contact (BULWARK_SECURITY_CONTACT, BULWARK_SECURITY_POLICY_URL)");
        }
        URI origin = origin(environment.getProperty("bulwark.http.public-origin", "http://localhost:8080"));
        boolean tls = environment.getProperty("bulwark.tls.enabled", Boolean.class, false);
        boolean hstsAlways = environment.getProperty("bulwark.http.hsts-always", Boolean.class, false);
        if (origin == null || !"https".equalsIgnoreCase(origin.getScheme())) {
            gaps.add("public origin not HTTPS (BULWARK_PUBLIC_URL)");
        } else if (!tls && !hstsAlways) {
            // Clients use HTTPS but this application sees plain HTTP: TLS ends at a proxy, so HSTS must be sent anyway.
            gaps.add("HSTS off behind a TLS proxy (bulwark.http.hsts-always)");
        }
        if (placeholder(environment.getProperty("bulwark.audit.origin", "bulwark.localhost/audit"))) {
            gaps.add("placeholder audit origin (BULWARK_AUDIT_ORIGIN)");
        }
        if (blank(environment, "bulwark.http.metrics-token")) {
            gaps.add("metrics not served (BULWARK_METRICS_TOKEN)");
        }
        return gaps;
    }

    private static boolean placeholder(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return v.contains("bulwark.localhost") || v.contains("example.com") || v.contains("example.org");
    }

    private static URI origin(String value) {
        try {
            return URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean blank(Environment environment, String name) {
        String value = environment.getProperty(name);
        return value == null || value.isBlank();
    }
}
