package dev.bulwark.web;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, acceptance 3, 4 (CORS) and 6, and the limits of 5 that need no slow client: every response — 2xx, 4xx, 5xx,
 * actuator, well-known files — carries the security headers and no banner; an unlisted origin gets no CORS header;
 * deep JSON and huge headers are refused; security.txt is valid RFC 9116.
 */
class SecurityHeadersTest extends IntegrationTest {

    private static final Map<String, String> EXPECTED = Map.of(
            "content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            "x-frame-options", "DENY",
            "x-content-type-options", "nosniff",
            "referrer-policy", "strict-origin-when-cross-origin",
            "cross-origin-resource-policy", "same-origin",
            "cross-origin-opener-policy", "same-origin",
            "permissions-policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()");

    @Test
    void everyKindOfResponseCarriesTheHeadersAndNoBanner() throws Exception {
        Tenant t = newTenant();
        String contact = body(call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"H\"}")).get("id").asString();
        String other = body(call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"I\"}")).get("id").asString();
        // A ciphertext moved onto another row: reading that row is a 500.
        asOwnerOf(t.id(), "UPDATE bulwark.contacts SET name_ct = (SELECT name_ct FROM bulwark.contacts WHERE id = '" + contact
                + "') WHERE tenant_id = ? AND id = '" + other + "'");
        Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
        responses.put("200 API", call("GET", "/api/v1/me", t.owner(), null));
        responses.put("201 API", call("POST", "/api/v1/orgs/" + t.id() + "/projects", t.owner(), "{\"name\":\"P\"}"));
        responses.put("204 API", call("DELETE", "/api/v1/orgs/" + t.id() + "/contacts/" + contact, t.owner(), null, "If-Match", "\"1\""));
        responses.put("400", postJson("/api/v1/signup", Map.of("email", "nope")));
        responses.put("401", get("/api/v1/me"));
        responses.put("403", call("POST", "/api/v1/orgs/" + t.id() + "/api-keys", joined(t.id(), "VIEWER"), "{\"name\":\"k\",\"role\":\"VIEWER\"}"));
        responses.put("401 unknown path, anonymous", get("/no/such/path"));
        responses.put("404 unknown path", get("/no/such/path", t.owner().auth()));
        responses.put("404 other org", call("GET", "/api/v1/orgs/" + newTenant().id(), t.owner(), null));
        responses.put("405", send(HttpRequest.newBuilder(uri("/actuator/health")).DELETE().build()));
        responses.put("413", postJson("/api/v1/signup", Map.of("name", "x".repeat(1_100_000))));
        responses.put("415", send(HttpRequest.newBuilder(uri("/api/v1/signup")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build()));
        responses.put("500", call("GET", "/api/v1/orgs/" + t.id() + "/contacts/" + other, t.owner(), null));
        responses.put("health", get("/actuator/health"));
        responses.put("readiness", get("/actuator/health/readiness"));
        responses.put("prometheus", get("/actuator/prometheus", "Authorization", "Bearer " + METRICS_TOKEN));
        responses.put("prometheus refused", get("/actuator/prometheus"));
        responses.put("jwks", get("/.well-known/jwks.json"));
        responses.put("security.txt", get("/.well-known/security.txt"));
        responses.put("openapi", get("/v3/api-docs"));
        List<String> statuses = new ArrayList<>();
        responses.forEach((name, r) -> statuses.add(name + "=" + r.statusCode()));
        assertThat(statuses).contains("200 API=200", "201 API=201", "204 API=204", "400=400", "401=401", "403=403",
                "401 unknown path, anonymous=401", "404 unknown path=404", "404 other org=404", "405=405", "413=413", "415=415", "500=500", "health=200",
                "prometheus=200", "prometheus refused=401", "jwks=200", "security.txt=200");
        responses.forEach((name, r) -> {
            EXPECTED.forEach((header, value) -> assertThat(r.headers().allValues(header)).as("%s: %s", name, header).containsExactly(value));
            assertThat(r.headers().map().keySet()).as("%s: no banner", name)
                    .noneMatch(h -> h.equalsIgnoreCase("server") || h.equalsIgnoreCase("x-powered-by") || h.equalsIgnoreCase("x-aspnet-version"));
            // Nothing is stored by a browser or cache, but the public key set, which is meant to be cached.
            assertThat(r.headers().allValues("cache-control")).as("%s: cache-control", name)
                    .containsExactly(name.equals("jwks") ? "max-age=300, public" : "no-store");
            // Plain HTTP: HSTS would be ignored by browsers and is not sent (it is, over TLS: TlsEdgeTest).
            assertThat(r.headers().firstValue("strict-transport-security")).as(name).isEmpty();
        });
    }

    @Test
    void anUnlistedOriginGetsNoCorsHeaders() {
        HttpResponse<String> simple = get("/actuator/health", "Origin", "https://evil.example");
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri("/api/v1/me")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build());
        for (HttpResponse<String> r : List.of(simple, preflight)) {
            assertThat(r.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }
        // Without Access-Control-Allow-Origin the browser refuses the answer, whatever its status.
    }

    @Test
    void deepJsonHugeHeadersAndOversizeBodiesAreRefused() throws Exception {
        String deep = "{\"name\":" + "[".repeat(40) + "1" + "]".repeat(40) + "}";
        HttpResponse<String> nested = send(HttpRequest.newBuilder(uri("/api/v1/signup")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(deep)).build());
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.body()).contains("problems/");

        // A request whose headers pass 16 KB: refused before any handler (431, or the connection closed).
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readNBytes(64), StandardCharsets.US_ASCII);
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).startsWith("HTTP/1.1 431"), a -> assertThat(a).startsWith("HTTP/1.1 400"),
                    a -> assertThat(a).isEmpty());
        }
    }

    @Test
    void securityTxtFollowsRfc9116() {
        HttpResponse<String> response = get("/.well-known/security.txt");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).isEqualToIgnoringCase("text/plain;charset=utf-8");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            assertThat(line).as("a field line").matches("[A-Za-z-]+: \\S.*");
            String[] kv = line.split(": ", 2);
            fields.computeIfAbsent(kv[0].toLowerCase(), k -> new ArrayList<>()).add(kv[1].strip());
        }
        // Required: Contact (one or more), Expires (exactly once). Recommended here: Policy, Canonical, Preferred-Languages.
        assertThat(fields.get("contact")).isNotEmpty().allMatch(c -> c.matches("(mailto:|https://|tel:)\\S+"));
        assertThat(fields.get("expires")).hasSize(1);
        Instant expires = OffsetDateTime.parse(fields.get("expires").getFirst()).toInstant();
        assertThat(expires).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofDays(365)));
        assertThat(fields.get("policy")).hasSize(1).allMatch(p -> p.startsWith("https://"));
        assertThat(fields.get("canonical")).hasSize(1).allMatch(c -> c.endsWith("/.well-known/security.txt"));
        assertThat(fields.get("preferred-languages")).hasSize(1).allMatch(l -> l.matches("[a-z]{2,3}(-[A-Za-z]+)?(, [a-z]{2,3}(-[A-Za-z]+)?)*"));
        assertThat(response.body()).endsWith("\n");
    }

}
