package dev.bulwark.console;

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
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import dev.bulwark.keys.internal.LocalKms;
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

import static dev.bulwark.console.BrowserChecks.checkPage;
import static dev.bulwark.console.BrowserChecks.forgetLog;
import static dev.bulwark.console.BrowserChecks.forge;
import static dev.bulwark.console.BrowserChecks.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The organisation's export and deletion (privacy page) and its own KMS key (keys page) in Debian's headless
 * Chromium, on an application of its own with the local KMS stand-in: 1. the owner exports the data (step-up asked by
 * the API, confirmed on the page, the ZIP saved by the page's script, its audit event read through the API); points the
 * keys at a KMS key (a URI the API refuses shown in words; step-up asked in place) and stops using it; schedules the
 * deletion with a wrong name (refused, nothing scheduled) and the right one (the page then shows the pending state and
 * its date), and cancels it — each checked through the API; 2. an ADMIN and a VIEWER see none of these controls, the
 * ADMIN's forged posts and export are refused, another organisation's pages and forged posts are not found. Every page passes the
 * axe-core, CSP and console-error checks. One browser for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOrgLifecycleBrowserTest {

    private static final String PASSWORD = IntegrationTest.STRONG_PASSWORD;

    private ConfigurableApplicationContext app;
    private Path dir;
    private String base;
    private WebDriver browser;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    private String ownerEmail;
    private String ownerToken;
    private String org;
    private String orgName;

    @BeforeAll
    void start() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian's chromium-driver (.ci/run installs it)").exists();
        dir = Files.createTempDirectory("bulwark-console-lifecycle-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        app = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=" + port,
                "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"), "--bulwark.keys.root-passphrase=console-test-passphrase",
                "--bulwark.keys.local-kms-dir=" + dir.resolve("local-kms"));
        base = "http://localhost:" + port;

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);

        ownerEmail = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        orgName = "Lifecycle Org " + UUID.randomUUID().toString().substring(0, 6);
        JsonNode signup = body(post("/api/v1/signup", null, Map.of("email", ownerEmail, "password", PASSWORD, "name", "Otto Owner",
                "organisationName", orgName)));
        org = signup.get("organisationId").asString();
        verify(ownerEmail);
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
    }

    @Test
    @Order(1)
    void theOwnerExportsSetsAndRemovesAKmsKeyAndSchedulesAndCancelsTheDeletion() throws Exception {
        signIn(ownerEmail);
        String privacy = "/console/orgs/" + org + "/privacy";
        String keys = "/console/orgs/" + org + "/keys";

        // The export: the sign-in is made an hour old, so the API asks for step-up; confirmed on the page, the ZIP comes.
        ageRecentFactor();
        open(privacy);
        checkPage(browser, "privacy (owner)");
        browser.findElement(By.xpath("//button[text()='Export all data']")).click(); // a download by script: no page loads
        waitFor(() -> text(browser, "#export-status").contains("Confirm it is you first"));
        assertThat(auditCount("org.exported")).isZero();
        forgetLog(browser); // the API's 401 is logged by the browser: expected
        browser.findElement(By.id("confirm-password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Confirm']")));
        assertThat(text(browser, "p.notice")).startsWith("Confirmed");
        browser.findElement(By.xpath("//button[text()='Export all data']")).click();
        waitFor(() -> text(browser, "#export-status").contains(".zip ("));
        assertThat(text(browser, "#export-status")).contains("bulwark-export-" + org + ".zip (").doesNotContain("(0 bytes)");
        assertThat(auditCount("org.exported")).as("the export, through the API").isEqualTo(1);
        checkPage(browser, "privacy after the export");

        // The keys page: no KMS key yet; a URI the API refuses is shown in words and changes nothing.
        open(keys);
        assertThat(browser.findElement(By.id("kms-state")).getText()).contains("No KMS key");
        assertThat(browser.findElements(By.id("kms-remove-form"))).isEmpty();
        checkPage(browser, "keys (owner)");
        browser.findElement(By.id("kms-uri")).sendKeys("aws-kms://arn:aws:kms:eu-west-1:1:key/not-here");
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Use this key']")));
        assertThat(text(browser, "p.error")).isNotBlank();
        assertThat(kmsKeyUri()).isNull();
        forgetLog(browser);

        // A working key (the local KMS stand-in), with the step-up asked in place: the keys are then wrapped by it.
        String uri = new LocalKms(dir.resolve("local-kms")).create("console-" + UUID.randomUUID().toString().substring(0, 8));
        ageRecentFactor();
        browser.findElement(By.id("kms-uri")).sendKeys(uri);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Use this key']")));
        assertThat(browser.findElements(By.id("stepup-password"))).as("step-up asked in place").hasSize(1);
        assertThat(kmsKeyUri()).isNull();
        forgetLog(browser);
        browser.findElement(By.id("stepup-password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Confirm and continue']")));
        assertThat(text(browser, "p.notice")).contains("its own KMS key");
        assertThat(browser.findElement(By.id("kms-state")).getAttribute("data-key-uri")).isEqualTo(uri);
        JsonNode status = keyStatus();
        assertThat(status.path("kmsKeyUri").asString()).isEqualTo(uri);
        assertThat(status.path("protection").asString()).isEqualTo("customer-kms-key");
        assertThat(auditCount("org.keys.kms_set")).isEqualTo(1);
        checkPage(browser, "keys with a KMS key");

        // Stopping: Bulwark's root key wraps the keys again.
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Stop using the KMS key']")));
        assertThat(text(browser, "p.notice")).contains("no longer used");
        assertThat(browser.findElement(By.id("kms-state")).getText()).contains("No KMS key");
        assertThat(kmsKeyUri()).isNull();
        assertThat(auditCount("org.keys.kms_removed")).isEqualTo(1);

        // Deletion with a wrong name: refused in words, nothing scheduled. The page says how long it would stay
        // cancellable: the installation's grace period (30 days by default), not a fixed text.
        open(privacy);
        assertThat(browser.findElement(By.id("deletion-grace")).getText()).isEqualTo("30 days");
        browser.findElement(By.id("confirm-name")).sendKeys("Not " + orgName);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Delete the organisation']")));
        assertThat(text(browser, "p.error")).contains("name");
        assertThat(deletion().path("status").asString()).isEqualTo("active");
        assertThat(get("/api/v1/orgs/" + org, ownerToken).statusCode()).isEqualTo(200);
        forgetLog(browser);

        // The right name: scheduled; the page shows the pending state and its date, and only the deletion.
        browser.findElement(By.id("confirm-name")).sendKeys(orgName);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Delete the organisation']")));
        assertThat(text(browser, "p.notice")).contains("deletion is scheduled");
        JsonNode pending = deletion();
        assertThat(pending.path("status").asString()).isEqualTo("deletion-pending");
        assertThat(browser.findElement(By.id("deletion-pending")).getAttribute("data-purge-after"))
                .isEqualTo(pending.path("purgeAfter").asString());
        assertThat(browser.findElement(By.id("deletion-pending")).getText()).contains("scheduled for deletion");
        assertThat(browser.findElements(By.cssSelector("#deletion-form, #export-form, #access-form"))).isEmpty();
        assertThat(get("/api/v1/orgs/" + org, ownerToken).statusCode()).as("disabled at once").isEqualTo(404);
        checkPage(browser, "privacy, deletion pending");

        // Cancelled: active again.
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Cancel the deletion']")));
        assertThat(text(browser, "p.notice")).contains("deletion is cancelled");
        assertThat(browser.findElements(By.id("deletion-pending"))).isEmpty();
        assertThat(browser.findElements(By.id("deletion-form"))).hasSize(1);
        assertThat(deletion().path("status").asString()).isEqualTo("active");
        assertThat(get("/api/v1/orgs/" + org, ownerToken).statusCode()).isEqualTo(200);
        assertThat(auditCount("org.deletion.requested")).isEqualTo(1);
        assertThat(auditCount("org.deletion.cancelled")).isEqualTo(1);
        checkPage(browser, "privacy after cancelling");
    }

    @Test
    @Order(2)
    void anAdminOrAViewerSeesNoneOfTheseControlsAndTheirForgedPostsAreRefused() throws Exception {
        String admin = member("ADMIN");
        String viewer = member("VIEWER");
        String privacy = "/console/orgs/" + org + "/privacy";
        String keys = "/console/orgs/" + org + "/keys";
        String lifecycleControls = "#export-form, #deletion-form, #cancel-deletion-form, #kms-form, #kms-remove-form, #confirm";

        browser.manage().deleteAllCookies();
        signIn(admin);
        for (String page : List.of(privacy, keys)) {
            open(page);
            assertThat(browser.findElements(By.cssSelector(lifecycleControls))).as("owner's controls on %s", page).isEmpty();
            checkPage(browser, page + " as an admin");
        }
        assertThat(browser.findElements(By.cssSelector("main form"))).as("no form on the keys page").isEmpty();
        // Forged: the deletion with the right name, a KMS key; and the export fetched with the admin's session.
        open(privacy);
        forge(browser, "/console/orgs/" + org + "/privacy/deletion", Map.of("confirmName", orgName, "stepUpPassword", PASSWORD));
        assertThat(text(browser, "p.error")).isNotBlank();
        assertThat(deletion().path("status").asString()).isEqualTo("active");
        forge(browser, "/console/orgs/" + org + "/keys/kms", Map.of("keyUri", "local-kms://forged", "stepUpPassword", PASSWORD));
        assertThat(text(browser, "p.error")).isNotBlank();
        assertThat(kmsKeyUri()).isNull();
        assertThat(BrowserChecks.fetch(browser, "/api/v1/orgs/" + org + "/export").get("status")).isEqualTo(403L);
        assertThat(BrowserChecks.fetch(browser, "/api/v1/orgs/" + org + "/deletion").get("status")).isEqualTo(403L);
        assertThat(auditCount("org.exported")).isEqualTo(1);
        forgetLog(browser);

        browser.manage().deleteAllCookies();
        signIn(viewer);
        for (String page : List.of(privacy, keys)) {
            open(page);
            assertThat(browser.findElements(By.cssSelector("main form[method=post], main select, main button")))
                    .as("controls a VIEWER may not use on %s", page).isEmpty();
            checkPage(browser, page + " as a viewer");
        }
        forge(browser, "/console/orgs/" + org + "/privacy/deletion/cancel", Map.of());
        assertThat(text(browser, "p.error")).isNotBlank();

        // Another organisation's pages, and its deletion state through the API: not found.
        for (String page : List.of("/console/orgs/" + UUID.randomUUID() + "/privacy", "/console/orgs/" + UUID.randomUUID() + "/keys")) {
            open(page);
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(page).isEqualTo("Not found");
        }
        forgetLog(browser);
        String otherEmail = "other-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String other = body(post("/api/v1/signup", null, Map.of("email", otherEmail, "password", PASSWORD, "name", "Other Owner",
                "organisationName", "Other Org"))).get("organisationId").asString();
        String otherToken = body(post("/api/v1/auth/login", null, Map.of("email", otherEmail, "password", PASSWORD))).get("accessToken").asString();
        assertThat(get("/api/v1/orgs/" + other + "/deletion", ownerToken).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/orgs/" + other + "/deletion", ownerToken).statusCode()).isEqualTo(404);

        // The owner of this organisation, forging the other organisation's deletion and KMS key from the console: not found.
        browser.manage().deleteAllCookies();
        signIn(ownerEmail);
        open(privacy);
        forge(browser, "/console/orgs/" + other + "/privacy/deletion", Map.of("confirmName", "Other Org", "stepUpPassword", PASSWORD));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        forge(browser, "/console/orgs/" + other + "/keys/kms", Map.of("keyUri", "local-kms://forged", "stepUpPassword", PASSWORD));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        assertThat(body(get("/api/v1/orgs/" + other + "/deletion", otherToken)).path("status").asString()).isEqualTo("active");
        JsonNode otherKeys = body(get("/api/v1/orgs/" + other + "/keys", otherToken)).path("kmsKeyUri");
        assertThat(otherKeys.isNull() || otherKeys.isMissingNode()).isTrue();
        forgetLog(browser);
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode keyStatus() throws Exception {
        return body(get("/api/v1/orgs/" + org + "/keys", ownerToken));
    }

    /** The KMS key URI the API reports, null when none is used. */
    private String kmsKeyUri() throws Exception {
        JsonNode uri = keyStatus().path("kmsKeyUri");
        return uri.isNull() || uri.isMissingNode() ? null : uri.asString();
    }

    private JsonNode deletion() throws Exception {
        return body(get("/api/v1/orgs/" + org + "/deletion", ownerToken));
    }

    private int auditCount(String type) throws Exception {
        return body(get("/api/v1/orgs/" + org + "/audit?type=" + type + "&limit=100", ownerToken)).path("items").size();
    }

    /** Makes every session's last factor an hour old, so the next sensitive action asks for step-up. */
    private void ageRecentFactor() throws Exception {
        String userId = body(get("/api/v1/me", ownerToken)).get("id").asString();
        try (java.sql.Connection c = IntegrationTest.connectAs(dir, "postgres");
             java.sql.PreparedStatement s = c.prepareStatement(
                     "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '1 hour' WHERE user_id = ?::uuid")) {
            s.setString(1, userId);
            assertThat(s.executeUpdate()).isPositive();
        }
    }

    /** A member of the owner's organisation with {@code role}, invited and signed up through the API. */
    private String member(String role) throws Exception {
        String email = role.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(post("/api/v1/orgs/" + org + "/invitations", ownerToken, Map.of("email", email, "role", role)).statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/signup", null, Map.of("email", email, "password", PASSWORD, "name", "A " + role,
                "invitationToken", mailedTo(email, "(bwi_[0-9A-Za-z]+)"))).statusCode()).isEqualTo(201);
        return email;
    }

    private void signIn(String email) {
        open("/console");
        waitFor(() -> browser.findElements(By.xpath("//h1[text()='Sign in']")).size() == 1 && !browser.findElements(By.id("email")).isEmpty());
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in']")));
        waitFor(() -> !browser.findElements(By.xpath("//h1[text()='Your organisations']")).isEmpty());
    }

    private void open(String path) {
        browser.get(base + path);
    }

    private void waitFor(java.util.function.BooleanSupplier condition) {
        BrowserChecks.waitFor(browser, condition);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return call("GET", path, token);
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
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

    private void verify(String email) throws Exception {
        String link = mailedTo(email, "(/api/v1/auth/verify-email\\?token=bwv_[0-9A-Za-z]{38})");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + link)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
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
