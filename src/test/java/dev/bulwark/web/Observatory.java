package dev.bulwark.web;

import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mozilla's HTTP Observatory scoring, applied to one live response (issue 9, acceptance 2): a baseline of 100 and the
 * modifiers of its published table (github.com/mozilla/http-observatory, httpobs/docs/scoring.md, 2024 revision:
 * CSP, cookies, CORS, redirection, Referrer-Policy, HSTS, SRI, X-Content-Type-Options, X-Frame-Options,
 * Cross-Origin-Resource-Policy), bonuses counted only when the score without them is at least 90; the grade from its
 * chart. Written here from the table, so the test does not depend on the hosted scanner.
 */
final class Observatory {

    /** One applied modifier: the test, its result name, and its points. */
    record Modifier(String test, String result, int points) {
    }

    /** A scored response. */
    record Score(int score, String grade, List<Modifier> modifiers) {
    }

    private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE);

    /**
     * Scores a response fetched over HTTPS: {@code headers}, its HTML body (null if not HTML), and where the plain-HTTP
     * URL of the same host first redirected ({@code httpRedirect}, empty if it did not).
     */
    static Score score(HttpHeaders headers, String html, Optional<String> httpRedirect, String host) {
        List<Modifier> modifiers = new ArrayList<>();
        modifiers.add(csp(headers));
        modifiers.add(cookies(headers));
        modifiers.add(cors(headers));
        modifiers.add(redirection(httpRedirect, host));
        modifiers.add(referrer(headers));
        modifiers.add(hsts(headers));
        modifiers.add(sri(html));
        modifiers.add(new Modifier("x-content-type-options",
                headers.firstValue("X-Content-Type-Options").map(v -> v.strip().equalsIgnoreCase("nosniff")).orElse(false)
                        ? "x-content-type-options-nosniff" : "x-content-type-options-not-implemented",
                headers.firstValue("X-Content-Type-Options").map(v -> v.strip().equalsIgnoreCase("nosniff")).orElse(false) ? 0 : -5));
        modifiers.add(xfo(headers));
        modifiers.add(corp(headers));
        int penalties = 100 + modifiers.stream().mapToInt(Modifier::points).filter(p -> p < 0).sum();
        int bonuses = modifiers.stream().mapToInt(Modifier::points).filter(p -> p > 0).sum();
        int score = Math.max(0, penalties >= 90 ? penalties + bonuses : penalties);
        return new Score(score, grade(score), modifiers);
    }

    static String grade(int score) {
        int[] floors = {100, 90, 85, 80, 70, 65, 60, 50, 45, 40, 30, 25, 0};
        String[] grades = {"A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"};
        for (int i = 0; i < floors.length; i++) {
            if (score >= floors[i]) {
                return grades[i];
            }
        }
        return "F";
    }

    private static Modifier csp(HttpHeaders headers) {
        List<String> values = headers.allValues("Content-Security-Policy");
        if (values.isEmpty()) {
            return new Modifier("content-security-policy", "csp-not-implemented", -25);
        }
        String policy = String.join(";", values).toLowerCase(Locale.ROOT);
        String scripts = directive(policy, "script-src").or(() -> directive(policy, "default-src")).orElse("");
        String styles = directive(policy, "style-src").or(() -> directive(policy, "default-src")).orElse("");
        if (scripts.contains("'unsafe-inline'") && !scripts.contains("'nonce-") && !scripts.contains("'sha")) {
            return new Modifier("content-security-policy", "csp-implemented-with-unsafe-inline", -20);
        }
        if (policy.contains("http:") || scripts.contains("*")) {
            return new Modifier("content-security-policy", "csp-implemented-with-insecure-scheme", -20);
        }
        if (scripts.contains("'unsafe-eval'")) {
            return new Modifier("content-security-policy", "csp-implemented-with-unsafe-eval", -10);
        }
        if (styles.contains("'unsafe-inline'")) {
            return new Modifier("content-security-policy", "csp-implemented-with-unsafe-inline-in-style-src-only", 0);
        }
        return directive(policy, "default-src").filter(d -> d.strip().equals("'none'")).isPresent()
                ? new Modifier("content-security-policy", "csp-implemented-with-no-unsafe-default-src-none", 10)
                : new Modifier("content-security-policy", "csp-implemented-with-no-unsafe", 5);
    }

    private static Optional<String> directive(String policy, String name) {
        for (String part : policy.split(";")) {
            String p = part.strip();
            if (p.equals(name) || p.startsWith(name + " ")) {
                return Optional.of(p.substring(name.length()).strip());
            }
        }
        return Optional.empty();
    }

    private static Modifier cookies(HttpHeaders headers) {
        List<String> cookies = headers.allValues("Set-Cookie");
        if (cookies.isEmpty()) {
            return new Modifier("cookies", "cookies-not-found", 0);
        }
        boolean secure = cookies.stream().allMatch(c -> c.toLowerCase(Locale.ROOT).contains("; secure"));
        boolean httpOnly = cookies.stream().allMatch(c -> c.toLowerCase(Locale.ROOT).contains("; httponly"));
        boolean sameSite = cookies.stream().allMatch(c -> c.toLowerCase(Locale.ROOT).matches(".*; samesite=(lax|strict).*"));
        if (!secure) {
            return new Modifier("cookies", "cookies-session-without-secure-flag", -40);
        }
        if (!httpOnly) {
            return new Modifier("cookies", "cookies-session-without-httponly-flag", -30);
        }
        return sameSite ? new Modifier("cookies", "cookies-secure-with-httponly-sessions-and-samesite", 5)
                : new Modifier("cookies", "cookies-secure-with-httponly-sessions", 0);
    }

    private static Modifier cors(HttpHeaders headers) {
        return headers.firstValue("Access-Control-Allow-Origin")
                .map(v -> v.strip().equals("*") ? new Modifier("cors", "cross-origin-resource-sharing-implemented-with-public-access", 0)
                        : new Modifier("cors", "cross-origin-resource-sharing-implemented-with-restricted-access", 0))
                .orElse(new Modifier("cors", "cross-origin-resource-sharing-not-implemented", 0));
    }

    private static Modifier redirection(Optional<String> httpRedirect, String host) {
        if (httpRedirect.isEmpty()) {
            return new Modifier("redirection", "redirection-missing", -20);
        }
        String to = httpRedirect.get();
        if (!to.startsWith("https://")) {
            return new Modifier("redirection", "redirection-not-to-https-on-initial-redirection", -10);
        }
        Matcher m = Pattern.compile("https://([^/:]+)").matcher(to);
        return m.find() && m.group(1).equalsIgnoreCase(host) ? new Modifier("redirection", "redirection-to-https", 0)
                : new Modifier("redirection", "redirection-off-host-from-http", -5);
    }

    private static Modifier referrer(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Referrer-Policy").map(v -> v.strip().toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return new Modifier("referrer-policy", "referrer-policy-not-implemented", 0);
        }
        String last = value.get().substring(value.get().lastIndexOf(',') + 1).strip();
        return switch (last) {
            case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin" ->
                    new Modifier("referrer-policy", "referrer-policy-private", 5);
            case "no-referrer-when-downgrade" -> new Modifier("referrer-policy", "referrer-policy-no-referrer-when-downgrade", 0);
            case "origin", "origin-when-cross-origin", "unsafe-url" -> new Modifier("referrer-policy", "referrer-policy-unsafe", -5);
            default -> new Modifier("referrer-policy", "referrer-policy-header-invalid", -5);
        };
    }

    private static Modifier hsts(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Strict-Transport-Security");
        if (value.isEmpty()) {
            return new Modifier("strict-transport-security", "hsts-not-implemented", -20);
        }
        Matcher m = Pattern.compile("max-age=\"?([0-9]+)\"?", Pattern.CASE_INSENSITIVE).matcher(value.get());
        if (!m.find()) {
            return new Modifier("strict-transport-security", "hsts-header-invalid", -20);
        }
        return Long.parseLong(m.group(1)) >= 15_768_000
                ? new Modifier("strict-transport-security", "hsts-implemented-max-age-at-least-six-months", 0)
                : new Modifier("strict-transport-security", "hsts-implemented-max-age-less-than-six-months", -10);
    }

    private static Modifier sri(String html) {
        if (html == null) {
            return new Modifier("subresource-integrity", "sri-not-implemented-response-not-html", 0);
        }
        Matcher m = SCRIPT.matcher(html);
        boolean any = false;
        while (m.find()) {
            any = true;
            String attributes = m.group(1).toLowerCase(Locale.ROOT);
            Matcher src = Pattern.compile("src=[\"']?(https?:)?//").matcher(attributes);
            if (src.find()) {
                boolean insecure = "http:".equals(src.group(1));
                boolean integrity = attributes.contains("integrity=");
                if (insecure) {
                    return integrity ? new Modifier("subresource-integrity", "sri-implemented-but-external-scripts-not-loaded-securely", -20)
                            : new Modifier("subresource-integrity", "sri-not-implemented-and-external-scripts-not-loaded-securely", -50);
                }
                if (!integrity) {
                    return new Modifier("subresource-integrity", "sri-not-implemented-but-external-scripts-loaded-securely", -5);
                }
            }
        }
        return any ? new Modifier("subresource-integrity", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)
                : new Modifier("subresource-integrity", "sri-not-implemented-but-no-scripts-loaded", 0);
    }

    private static Modifier xfo(HttpHeaders headers) {
        String csp = String.join(";", headers.allValues("Content-Security-Policy")).toLowerCase(Locale.ROOT);
        if (directive(csp, "frame-ancestors").isPresent()) {
            return new Modifier("x-frame-options", "x-frame-options-implemented-via-csp", 5);
        }
        return headers.firstValue("X-Frame-Options").map(v -> v.strip().toUpperCase(Locale.ROOT))
                .filter(v -> v.equals("DENY") || v.equals("SAMEORIGIN"))
                .map(v -> new Modifier("x-frame-options", "x-frame-options-sameorigin-or-deny", 0))
                .orElse(new Modifier("x-frame-options", "x-frame-options-not-implemented", -20));
    }

    private static Modifier corp(HttpHeaders headers) {
        return headers.firstValue("Cross-Origin-Resource-Policy").map(v -> v.strip().toLowerCase(Locale.ROOT))
                .map(v -> switch (v) {
                    case "same-origin" -> new Modifier("cross-origin-resource-policy", "corp-implemented-with-same-origin", 0);
                    case "same-site" -> new Modifier("cross-origin-resource-policy", "corp-implemented-with-same-site", 0);
                    case "cross-origin" -> new Modifier("cross-origin-resource-policy", "corp-implemented-with-cross-origin", 0);
                    default -> new Modifier("cross-origin-resource-policy", "corp-header-invalid", -5);
                })
                .orElse(new Modifier("cross-origin-resource-policy", "corp-not-implemented", 0));
    }

    private Observatory() {
    }
}
