package dev.bulwark.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, acceptance 1, 2, 4 (CORS allow-list) and 5, on an application started with TLS on (the generated
 * development certificate, trusted here as a client would trust a real one), short read timeouts and one allowed
 * origin. The protocol and cipher refusals are checked with OpenSSL's client, which will offer TLS 1.0/1.1 and weak
 * suites when told to (the JDK's own client refuses to offer them, so a refusal there would prove nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsEdgeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** How soon past TIMEOUT a stalled client must be cut off, even on a saturated machine, and how long we wait for it. */
    private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(20);
    private static final int STALL_READ_TIMEOUT = 30_000;

    private ConfigurableApplicationContext app;
    private int httpPort;
    private int httpsPort;
    private SSLContext trusting;

    @BeforeAll
    void start() throws Exception {
        Path dir = IntegrationTest.DATA_DIR;
        Path tls = Files.createTempDirectory("bulwark-tls-");
        app = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=0",
                "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"),
                "--bulwark.tls.enabled=true", "--bulwark.tls.port=0", "--bulwark.tls.dir=" + tls,
                "--bulwark.http.header-timeout=" + TIMEOUT.toMillis() + "ms", "--bulwark.http.body-timeout=" + TIMEOUT.toMillis() + "ms",
                "--bulwark.http.cors-origins=https://app.example",
                // A real contact and policy: the placeholders are shown as not configured (docs/trust-center.md).
                "--bulwark.security-txt.contact=mailto:security@tls-edge-test.eu",
                "--bulwark.security-txt.policy=https://tls-edge-test.eu/security-policy");
        httpPort = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) app).getWebServer();
        for (var connector : server.getTomcat().getService().findConnectors()) {
            if (connector.getSecure()) {
                httpsPort = connector.getLocalPort();
            }
        }
        assertThat(httpsPort).isPositive();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("bulwark", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(tls.resolve("dev-certificate.pem")))));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, factory.getTrustManagers(), null);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private HttpClient client(String... protocols) {
        SSLParameters parameters = trusting.getDefaultSSLParameters();
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        return HttpClient.newBuilder().sslContext(trusting).sslParameters(parameters).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> https(HttpClient client, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tls12And13SucceedAndOnlyModernSuitesAreNegotiated() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            HttpResponse<String> health = https(client(protocol), "GET", "/actuator/health", null);
            assertThat(health.statusCode()).as(protocol).isEqualTo(200);
            try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("localhost", httpsPort)) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                assertThat(socket.getSession().getCipherSuite()).matches("TLS_(AES|CHACHA20|ECDHE_(ECDSA|RSA)_WITH_(AES|CHACHA20)).*(GCM|POLY1305).*");
            }
        }
    }

    @Test
    void oldProtocolsAndWeakSuitesOfferedAloneAreRefusedByTheServer() throws Exception {
        for (String protocol : new String[] {"-tls1", "-tls1_1"}) {
            String out = openssl(protocol, "-cipher", "DEFAULT:@SECLEVEL=0");
            assertThat(out).as("openssl s_client %s", protocol).containsIgnoringCase("alert protocol version")
                    .doesNotContain("BEGIN CERTIFICATE");
        }
        for (String weak : new String[] {"ECDHE-ECDSA-AES128-SHA", "AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"}) {
            String out = openssl("-tls1_2", "-cipher", weak + ":@SECLEVEL=0");
            assertThat(out).as("a weak suite offered alone: %s", weak).containsIgnoringCase("alert handshake failure")
                    .doesNotContain("BEGIN CERTIFICATE");
        }
        assertThat(openssl("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")).as("the control: a modern suite")
                .contains("BEGIN CERTIFICATE").contains("ECDHE-ECDSA-AES128-GCM-SHA256");
    }

    private String openssl(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + httpsPort, "-servername", "localhost"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void plainHttpIsRedirectedWith308ToTheSamePathOverHttps() throws Exception {
        for (String method : new String[] {"GET", "POST"}) {
            HttpResponse<String> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/api/v1/signup?x=1&y=%27"))
                            .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(308);
            assertThat(r.headers().firstValue("Location")).hasValue("https://localhost:" + httpsPort + "/api/v1/signup?x=1&y=%27");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
    }

    @Test
    void aForgedHostHeaderNeverBecomesTheRedirectsHost() throws Exception {
        for (String host : new String[] {"evil.example", "evil.example:443", "[2001:db8::66]:8443"}) {
            try (Socket socket = new Socket("127.0.0.1", httpPort)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /api/v1/me?next=1 HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = readUntilClosed(socket.getInputStream());
                assertThat(answer).as(host).startsWith("HTTP/1.1 308").doesNotContain("evil").doesNotContain("2001:db8")
                        .containsIgnoringCase("\r\nLocation: https://localhost:" + httpsPort + "/api/v1/me?next=1\r\n");
            }
        }
    }

    @Test
    void everyResponseOverTlsGradesAPlusOnTheObservatoryRubric() throws Exception {
        HttpClient client = client();
        String email = "tls-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(https(client, "POST", "/api/v1/signup", "{\"email\":\"" + email + "\",\"password\":\"" + IntegrationTest.STRONG_PASSWORD
                + "\",\"name\":\"T\",\"organisationName\":\"TLS Org\"}").statusCode()).isEqualTo(201);
        String token = https(client, "POST", "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\"}").body().replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
        record Probe(String name, String path, String[] headers, int status) {
        }
        List<Probe> probes = List.of(
                new Probe("API response", "/api/v1/me", new String[] {"Authorization", "Bearer " + token}, 200),
                new Probe("error response", "/api/v1/orgs/" + UUID.randomUUID(), new String[] {"Authorization", "Bearer " + token}, 404),
                new Probe("unauthenticated error", "/api/v1/me", new String[0], 401),
                new Probe("health", "/actuator/health", new String[0], 200),
                new Probe("security.txt", "/.well-known/security.txt", new String[0], 200),
                new Probe("trust center page", "/trust", new String[0], 200));
        for (Probe probe : probes) {
            HttpResponse<String> r = https(client, "GET", probe.path(), null, probe.headers());
            assertThat(r.statusCode()).as(probe.name()).isEqualTo(probe.status());
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as(probe.name()).hasValue("max-age=31536000; includeSubDomains");
            HttpResponse<String> plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                    .send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + probe.path())).build(), HttpResponse.BodyHandlers.ofString());
            boolean html = r.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
            Observatory.Score score = Observatory.score(r.headers(), html ? r.body() : null,
                    plain.statusCode() / 100 == 3 ? plain.headers().firstValue("Location") : Optional.empty(), "localhost");
            assertThat(score.grade()).as("%s: %s", probe.name(), score).isEqualTo("A+");
            assertThat(score.score()).as(probe.name()).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTrustCentersOwnChecksReadTheApplicationWithTlsOn() {
        var runner = app.getBean(dev.bulwark.trust.internal.TrustRunner.class);
        runner.runAll();
        java.util.Map<String, String> statuses = new java.util.HashMap<>();
        runner.view().forEach(c -> c.evidence().forEach((id, shown) -> statuses.put(id, shown.status())));
        assertThat(statuses).containsEntry("edge.security-headers", "pass").containsEntry("edge.security-txt", "pass")
                .containsEntry("edge.tls", "pass");
        // The TLS check shook hands with the running connector: TLS 1.3 first, and a TLS 1.2 client offering only
        // CBC and non-ECDHE suites refused.
        var tls = runner.view().stream().flatMap(c -> c.evidence().values().stream()).filter(s -> s.checkId().equals("edge.tls"))
                .findFirst().orElseThrow().evidence();
        assertThat(tls.get("port")).isEqualTo(httpsPort);
        assertThat((List<Object>) tls.get("enabledProtocols")).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat((List<?>) tls.get("enabledCiphers")).isNotEmpty().allMatch(c -> TlsProbe.forwardSecretAead((String) c));
        assertThat((String) tls.get("preferredHandshake")).startsWith("TLSv1.3 TLS_");
        assertThat((String) tls.get("tls12Handshake")).startsWith("TLSv1.2 TLS_ECDHE_ECDSA_WITH_");
        assertThat((String) tls.get("weakHandshake")).startsWith("refused");
        assertThat((Integer) tls.get("weakSuitesOffered")).isPositive();
        // The exemption is this process's alone: a forged marker from loopback is still redirected.
        try {
            HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/.well-known/security.txt")).header("X-Bulwark-Self-Check", "0".repeat(64)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(308);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyAListedOriginGetsCorsHeaders() throws Exception {
        HttpClient client = client();
        for (String origin : new String[] {"https://app.example", "https://evil.example", "null"}) {
            HttpResponse<String> preflight = https(client, "OPTIONS", "/api/v1/me", null, "Origin", origin,
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
            if (origin.equals("https://app.example")) {
                assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
                assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            } else {
                assertThat(preflight.headers().map().keySet()).as(origin).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
            }
        }
    }

    @Test
    void aClientStallingInItsHeadersOrBodyIsCutOffAfterTheReadTimeout() throws Exception {
        // Headers never finished, on the plain port.
        // Timed from before the first byte is sent, so a pause of this thread can only lengthen what is measured; the
        // upper bound is what a saturated machine keeps (the stall is still cut, not served, well before it).
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout(STALL_READ_TIMEOUT);
            long started = System.nanoTime();
            socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(readUntilClosed(socket.getInputStream())).as("nothing answered but the close").doesNotContain("200 OK");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(TIMEOUT.minusMillis(200), CUT_OFF_WITHIN);
        }
        // A body that stops half-way, over TLS.
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("localhost", httpsPort)) {
            socket.setSoTimeout(STALL_READ_TIMEOUT);
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(("POST /api/v1/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
                    + "{\"email\":\"slow").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntilClosed(socket.getInputStream());
            assertThat(answer).doesNotContain("201");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(TIMEOUT.minusMillis(200), CUT_OFF_WITHIN);
        }
    }

    /** Everything the server sends until it closes the connection (a reset counts as closed). */
    private static String readUntilClosed(InputStream in) {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                text.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server kept the stalled connection open for " + STALL_READ_TIMEOUT + " ms", e);
        } catch (IOException closed) {
            // reset by the server: cut off
        }
        return text.toString();
    }
}
