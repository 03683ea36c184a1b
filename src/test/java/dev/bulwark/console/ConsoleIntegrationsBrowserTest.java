package dev.bulwark.console;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's AI and webhook pages in Debian's headless Chromium, on an application of its own with one
 * OpenAI-style provider and one webhook receiver, both a small HTTP server on loopback (allowed to egress for this
 * application only): 1. an owner turns AI on with a provider and a threshold (step-up asked in place), sets and
 * removes the organisation's provider key (never shown back, not even in the step-up form), sees the usage; creates
 * a webhook (its secret shown once, never again on reload), rotates the secret, sees the deliveries and retries one;
 * every page without CSP violation, console error or serious axe-core violation; 2. a MEMBER sees no control it may
 * not use, cannot open a webhook, and its forged posts change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIntegrationsBrowserTest {

    private static final String PASSWORD = IntegrationTest.STRONG_PASSWORD;
    private static final String PROVIDER_KEY = "sk-console-test-0123456789-WXYZ";

    private ConfigurableApplicationContext app;
    private HttpServer receiver;
    private final AtomicInteger received = new AtomicInteger();
    private Path dir;
    private String base;
    private int receiverPort;
    private WebDriver browser;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    private String ownerEmail;
    private String ownerToken;
    private String org;
    private String webhookId;

    @BeforeAll
    void start() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian's chromium-driver (.ci/run installs it)").exists();
        // The provider and the webhook receiver: completions answered in OpenAI's shape, anything else 204.
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().equals("/v1/chat/completions")) {
                byte[] answer = json.writeValueAsBytes(Map.of("id", "chatcmpl-console", "object", "chat.completion",
                        "choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", "Hello."), "finish_reason", "stop")),
                        "usage", Map.of("prompt_tokens", 5, "completion_tokens", 2, "total_tokens", 7)));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } else {
                received.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.start();
        receiverPort = receiver.getAddress().getPort();
        dir = Files.createTempDirectory("bulwark-console-integrations-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        app = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=" + port,
                "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"), "--bulwark.keys.root-passphrase=console-test-passphrase",
                "--bulwark.egress.allow=127.0.0.1:" + receiverPort, "--bulwark.webhooks.poll-interval=500ms",
                "--bulwark.ai.providers.test-eu.kind=openai", "--bulwark.ai.providers.test-eu.base-url=http://127.0.0.1:" + receiverPort + "/v1",
                "--bulwark.ai.providers.test-eu.region=eu", "--bulwark.ai.providers.test-eu.models=small-model");
        base = "http://localhost:" + port;

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), options);

        ownerEmail = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode signup = body(post("/api/v1/signup", null, Map.of("email", ownerEmail, "password", PASSWORD, "name", "Olive Owner",
                "organisationName", "Integrations Org")));
        org = signup.get("organisationId").asString();
        String link = mailedTo(ownerEmail, "(/api/v1/auth/verify-email\\?token=bwv_[0-9A-Za-z]{38})");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + link)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        ownerToken = body(post("/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", PASSWORD))).get("accessToken").asString();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    @Order(1)
    void anOwnerSetsTheAiPolicyAndAKeySeesUsageAndRunsAWebhookEachCheckedThroughTheApi() throws Exception {
        signIn(ownerEmail);
        String ai = "/console/orgs/" + org + "/ai";

        // The policy: AI on, the provider allowed, a threshold; the sign-in is made an hour old, so step-up is asked in place.
        ageRecentFactor();
        open(ai);
        checkPage(ai);
        browser.findElement(By.id("ai-enabled")).click();
        browser.findElement(By.cssSelector("input[name=providers][value='test-eu']")).click();
        browser.findElement(By.id("ai-regions")).sendKeys("EU");
        browser.findElement(By.id("ai-threshold")).sendKeys("0.85");
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Save the AI policy']")));
        confirmInPlace(null);
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("AI policy saved.");
        JsonNode policy = body(get("/api/v1/orgs/" + org + "/ai/policy", ownerToken));
        assertThat(policy.get("enabled").asBoolean()).isTrue();
        assertThat(policy.get("providers").toString()).isEqualTo("[\"test-eu\"]");
        assertThat(policy.get("regions").toString()).isEqualTo("[\"eu\"]");
        assertThat(policy.get("autoSendThreshold").decimalValue()).isEqualByComparingTo("0.85");

        // The organisation's own key: step-up asked again, the key typed again there (never written into the page).
        ageRecentFactor();
        browser.findElement(By.cssSelector("tr[data-provider='test-eu'] input[name=apiKey]")).sendKeys(PROVIDER_KEY);
        Navigation.press(browser, browser.findElement(By.xpath("//button[@aria-label='Save the key for test-eu']")));
        assertThat(browser.findElements(By.id("stepup-secret"))).as("the step-up form asks for the key: %s", browser.findElement(By.tagName("main")).getText()).hasSize(1);
        assertThat(browser.getPageSource()).as("the key is not carried into the step-up form").doesNotContain(PROVIDER_KEY);
        confirmInPlace(PROVIDER_KEY);
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Provider key saved.");
        assertThat(browser.getPageSource()).as("the key is never shown back").doesNotContain(PROVIDER_KEY).doesNotContain("0123456789");
        assertThat(browser.findElement(By.cssSelector("tr[data-provider='test-eu'] .key-hint")).getText()).startsWith("…WXYZ");
        JsonNode provider = testEu();
        assertThat(provider.path("orgKey").path("hint").asString()).isEqualTo("WXYZ");
        assertThat(provider.path("allowed").asBoolean()).isTrue();

        // Usage: a completion through the API, then seen on the page.
        HttpResponse<String> completion = post("/api/v1/orgs/" + org + "/ai/completions", ownerToken, Map.of("provider", "test-eu",
                "model", "small-model", "purpose", "console usage check", "messages", List.of(Map.of("role", "user", "content", "Say hello."))));
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        open(ai);
        assertThat(browser.findElement(By.id("ai-usage")).getText()).contains("console usage check").contains("test-eu").contains("small-model");
        assertThat(browser.findElement(By.cssSelector("#ai-usage td.outcome")).getText()).isEqualTo("answered");

        // Removing the key.
        Navigation.press(browser, browser.findElement(By.xpath("//button[@aria-label='Remove the key for test-eu']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Provider key removed.");
        assertThat(testEu().path("orgKey").isNull()).isTrue();
        checkPage(ai + " after the changes");

        // A webhook: created with step-up in place, its secret shown once.
        String webhooks = "/console/orgs/" + org + "/webhooks";
        ageRecentFactor();
        open(webhooks);
        checkPage(webhooks);
        browser.findElement(By.id("webhook-url")).sendKeys("http://127.0.0.1:" + receiverPort + "/hook");
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Create webhook']")));
        confirmInPlace(null);
        String secret = browser.findElement(By.id("new-secret")).getText();
        assertThat(secret).startsWith("whsec_");
        JsonNode listed = body(get("/api/v1/orgs/" + org + "/webhooks", ownerToken)).path("items");
        assertThat(listed.size()).isEqualTo(1);
        webhookId = listed.get(0).get("id").asString();
        checkPage(webhooks + " with the new secret");
        open(webhooks);
        assertThat(browser.getPageSource()).as("the secret is shown once").doesNotContain(secret);
        Navigation.press(browser, browser.findElement(By.linkText("http://127.0.0.1:" + receiverPort + "/hook")));
        assertThat(browser.getPageSource()).doesNotContain(secret);

        // Rotating it: the new secret once, then never again.
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Rotate the signing secret']")));
        String rotated = browser.findElement(By.id("new-secret")).getText();
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(secret);
        String webhook = webhooks + "/" + webhookId;
        open(webhook);
        assertThat(browser.getPageSource()).doesNotContain(rotated).doesNotContain(secret);

        // Deliveries: the rotation's event reaches the receiver and is listed; retrying one sends it again.
        waitFor(() -> {
            open(webhook);
            return browser.findElements(By.xpath("//table[@id='deliveries']//td[@class='status' and text()='succeeded']")).size() > 0;
        });
        checkPage(webhook);
        int before = received.get();
        Navigation.press(browser, browser.findElement(By.cssSelector("#deliveries button")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Delivery queued again.");
        waitFor(() -> received.get() > before);

        // Switching it off through the form: no retry offered then.
        browser.findElement(By.id("edit-enabled")).click();
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Save the webhook']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Webhook saved.");
        assertThat(body(get("/api/v1/orgs/" + org + "/webhooks/" + webhookId, ownerToken)).get("enabled").asBoolean()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#deliveries button"))).isEmpty();
    }

    @Test
    @Order(2)
    void aMemberSeesNoControlItMayNotUseAndItsForgedPostsChangeNothing() throws Exception {
        String member = "member-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(post("/api/v1/orgs/" + org + "/invitations", ownerToken, Map.of("email", member, "role", "MEMBER")).statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/signup", null, Map.of("email", member, "password", PASSWORD, "name", "Mo Member",
                "invitationToken", mailedTo(member, "(bwi_[0-9A-Za-z]+)"))).statusCode()).isEqualTo(201);
        browser.manage().deleteAllCookies();
        signIn(member);
        String ai = "/console/orgs/" + org + "/ai";
        for (String page : List.of(ai, "/console/orgs/" + org + "/webhooks")) {
            open(page);
            assertThat(browser.findElements(By.cssSelector("main form[method=post], main select, main button, main input")))
                    .as("controls a MEMBER may not use on %s", page).isEmpty();
            assertThat(browser.findElements(By.cssSelector("a[href$='/webhooks']"))).as("the webhooks link on %s", page).isEmpty();
            checkPage(page + " as a member");
        }
        open(ai);
        assertThat(browser.findElement(By.id("ai-policy-summary")).getText()).contains("on").contains("test-eu");
        open("/console/orgs/" + org + "/webhooks/" + webhookId);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isNotBlank();
        assertThat(browser.getPageSource()).doesNotContain("127.0.0.1:" + receiverPort);

        // Forged posts with the member's own valid form token: refused by the API, nothing changed.
        open(ai);
        forge(ai + "/policy", Map.of("enabled", "false", "stepUpPassword", PASSWORD));
        forge(ai + "/providers/test-eu/key", Map.of("apiKey", PROVIDER_KEY, "stepUpPassword", PASSWORD));
        forge("/console/orgs/" + org + "/webhooks", Map.of("url", "https://hooks.example.com/x", "events", "*", "stepUpPassword", PASSWORD));
        forge("/console/orgs/" + org + "/webhooks/" + webhookId + "/delete", Map.of());
        assertThat(body(get("/api/v1/orgs/" + org + "/ai/policy", ownerToken)).get("enabled").asBoolean()).isTrue();
        assertThat(testEu().path("orgKey").isNull()).isTrue();
        assertThat(body(get("/api/v1/orgs/" + org + "/webhooks", ownerToken)).path("items").size()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    /** The test's provider as the API lists it (the test configuration on the class path adds stub providers beside it). */
    private JsonNode testEu() throws Exception {
        return body(get("/api/v1/orgs/" + org + "/ai/providers", ownerToken)).path("items").valueStream()
                .filter(p -> p.path("id").asString().equals("test-eu")).findFirst().orElseThrow();
    }

    private void ageRecentFactor() throws Exception {
        String userId = body(get("/api/v1/me", ownerToken)).get("id").asString();
        try (java.sql.Connection c = IntegrationTest.connectAs(dir, "postgres");
             java.sql.PreparedStatement s = c.prepareStatement(
                     "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '1 hour' WHERE user_id = ?::uuid")) {
            s.setString(1, userId);
            assertThat(s.executeUpdate()).isPositive();
        }
    }

    private void signIn(String email) {
        open("/console");
        waitFor(() -> !browser.findElements(By.id("email")).isEmpty());
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in']")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your organisations");
    }

    /** The step-up asked in place (the owner has no second factor), with the secret typed again when it asks for one. */
    private void confirmInPlace(String secret) {
        assertThat(browser.switchTo().activeElement()).as("focus moves to the step-up").isEqualTo(browser.findElement(By.id("stepup-password")));
        browser.findElement(By.id("stepup-password")).sendKeys(PASSWORD);
        assertThat(browser.findElements(By.id("stepup-code"))).isEmpty();
        if (secret != null) {
            browser.findElement(By.id("stepup-secret")).sendKeys(secret);
        }
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Confirm and continue']")));
    }

    /** Submits, from the current page, a form the page does not offer, with the session's own form token. */
    private void forge(String action, Map<String, String> fields) {
        BrowserChecks.forge(browser, action, fields);
    }

    private void open(String path) {
        browser.get(base + path);
    }

    /** No CSP violation, no console error, no serious or critical axe-core violation on the page shown. */
    private void checkPage(String page) {
        BrowserChecks.checkPage(browser, page);
    }

    private void waitFor(java.util.function.BooleanSupplier condition) {
        BrowserChecks.waitFor(browser, condition);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isBetween(200, 299);
        return json.readTree(response.body());
    }

    /** Group 1 of the last match of {@code regex} in the mails to {@code to} this application wrote, waiting for it. */
    private String mailedTo(String to, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String last = null;
            if (Files.isDirectory(dir.resolve("mail"))) {
                try (var files = Files.list(dir.resolve("mail"))) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                        String mail = Files.readString(file).replace("=\r\n", "").replace("=3D", "=");
                        if (mail.contains("To: " + to + "\r\n") || mail.contains("To: " + to + "\n")) {
                            Matcher m = pattern.matcher(mail);
                            while (m.find()) {
                                last = m.group(1);
                            }
                        }
                    }
                }
            }
            if (last != null) {
                return last;
            }
            assertThat(System.nanoTime()).as("a mail to %s", to).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
