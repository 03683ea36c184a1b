package dev.bulwark.console;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, the console's acceptance in Debian's headless Chromium, on an application of its own (its passkey origin is
 * its own port): 1. a person signs in with a password, then with TOTP, then with a passkey (Chrome's virtual
 * authenticator), creates and revokes an API key, invites a member, changes a role with step-up asked in place, reads
 * and verifies the audit log, runs an access request, each checked through the API; 2. every page shows no CSP
 * violation, no console error and no serious or critical axe-core violation, a VIEWER sees no control it may not use
 * and its forged posts are refused; 3. a cross-site form post creates nothing, and the pages cannot be framed. One
 * browser for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

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
    private List<String> recoveryCodes = new ArrayList<>();
    private String totpSecret;

    @BeforeAll
    void start() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian's chromium-driver (.ci/run installs it)").exists();
        dir = Files.createTempDirectory("bulwark-console-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        app = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=" + port,
                "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"), "--bulwark.keys.root-passphrase=console-test-passphrase",
                "--bulwark.passkeys.rp-id=localhost", "--bulwark.passkeys.origins=http://localhost:" + port);
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

        // The owner: signed up through the API, address verified by the mailed link.
        ownerEmail = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode signup = body(post("/api/v1/signup", null, Map.of("email", ownerEmail, "password", PASSWORD, "name", "Olive Owner",
                "organisationName", "Console Org")));
        org = signup.get("organisationId").asString();
        verify(ownerEmail);
        ownerToken = body(post("/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", PASSWORD))).get("accessToken").asString();
        assertThat(post("/api/v1/orgs/" + org + "/contacts", ownerToken, Map.of("name", "Casey Contact", "email", "casey@example.com"))
                .statusCode()).isEqualTo(201);
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

    // ------------------------------------------------------------------ acceptance 1

    @Test
    @Order(1)
    void aPersonSignsInWithPasswordTotpAndPasskeyAndRunsTheConsoleEachCheckedThroughTheApi() throws Exception {
        // Password.
        signInWithPassword(ownerEmail);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your organisations");
        assertThat(sessionsOf(ownerToken).stream().anyMatch(s -> s.path("userAgent").asString("").contains("HeadlessChrome")))
                .as("the browser's session, seen through the API").isTrue();

        // TOTP: confirm it is you, set up, scan (the key is written out beside the QR code), turn on.
        open("/console/account");
        stepUpOnAccountPage(null);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Set up an authenticator app']")));
        assertThat(browser.findElement(By.cssSelector("img.qr")).getAttribute("src")).startsWith("data:image/svg+xml;base64,");
        totpSecret = browser.findElement(By.id("totp-secret")).getText();
        long step = Instant.now().getEpochSecond() / 30;
        browser.findElement(By.id("totp-code")).sendKeys(totp(totpSecret, step));
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Turn on']")));
        for (WebElement code : browser.findElements(By.cssSelector("#recovery-codes li"))) {
            recoveryCodes.add(code.getText());
        }
        assertThat(recoveryCodes).hasSize(10);
        ownerToken = freshToken();
        assertThat(body(get("/api/v1/me", ownerToken)).get("mfaEnabled").asBoolean()).isTrue();
        signOut();
        browser.findElement(By.id("email")).sendKeys(ownerEmail);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in']")));
        // The next step's code: the enrolment used this one, and each code counts once.
        browser.findElement(By.id("code")).sendKeys(totp(totpSecret, Math.max(step + 1, Instant.now().getEpochSecond() / 30 - 1)));
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Continue']")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your organisations");

        // Passkey: add one with Chrome's virtual authenticator, sign out, sign in with it alone.
        VirtualAuthenticator authenticator = ((HasVirtualAuthenticator) browser).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2).setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
        try {
            open("/console/account");
            stepUpOnAccountPage(recoveryCodes.removeFirst());
            browser.findElement(By.id("passkey-register")).click();
            waitFor(() -> browser.getCurrentUrl().contains("done=passkey-added"));
            assertThat(authenticator.getCredentials()).hasSize(1);
            ownerToken = freshToken();
            signOut();
            browser.findElement(By.id("passkey-sign-in")).click();
            waitFor(() -> browser.findElements(By.xpath("//h1[text()='Your organisations']")).size() == 1);
        } finally {
            ((HasVirtualAuthenticator) browser).removeVirtualAuthenticator(authenticator);
        }
        assertThat(auditTypes("auth.login.succeeded")).as("three sign-ins and more, through the API").isGreaterThanOrEqualTo(3);

        // An API key: created with step-up asked in place, shown once, working; then revoked, and refused. The
        // sign-in counted as a recent factor: it is made an hour old, so the console has to ask.
        ageRecentFactor();
        open("/console/orgs/" + org + "/api-keys");
        browser.findElement(By.id("key-name")).sendKeys("console key");
        choose(browser.findElement(By.id("key-role")), "VIEWER");
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Create key']")));
        confirmInPlace();
        String key = browser.findElement(By.id("new-key")).getText();
        assertThat(key).startsWith("bwk_");
        assertThat(get("/api/v1/orgs/" + org + "/members", key).statusCode()).as("the new key works").isEqualTo(200);
        open("/console/orgs/" + org + "/api-keys");
        assertThat(browser.getPageSource()).as("a key is shown once").doesNotContain(key);
        Navigation.press(browser, browser.findElement(By.xpath("//button[@aria-label='Revoke the key console key']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("API key revoked.");
        assertThat(get("/api/v1/orgs/" + org + "/members", key).statusCode()).as("the revoked key").isEqualTo(401);

        // An invitation, accepted by the invited person through the API.
        String memberEmail = "member-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        open("/console/orgs/" + org);
        browser.findElement(By.id("invite-email")).sendKeys(memberEmail);
        choose(browser.findElement(By.id("invite-role")), "MEMBER");
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Invite']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Invitation sent.");
        assertThat(body(get("/api/v1/orgs/" + org + "/invitations", ownerToken)).toString()).contains(memberEmail);
        String invitation = mailedTo(memberEmail, "(bwi_[0-9A-Za-z]+)");
        assertThat(post("/api/v1/signup", null, Map.of("email", memberEmail, "password", PASSWORD, "name", "Max Member",
                "invitationToken", invitation)).statusCode()).isEqualTo(201);

        // A role change: step-up asked in place, then the change through the API.
        ageRecentFactor();
        open("/console/orgs/" + org);
        WebElement row = browser.findElement(By.xpath("//tr[td[text()='" + memberEmail + "']]"));
        choose(row.findElement(By.tagName("select")), "ADMIN");
        Navigation.press(browser, row.findElement(By.xpath(".//button[text()='Change role']")));
        confirmInPlace();
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Role changed.");
        assertThat(roleOf(memberEmail)).isEqualTo("ADMIN");

        // The audit log: read, with the key's creation among its events, and verified.
        open("/console/orgs/" + org + "/audit?type=apikey.created");
        assertThat(browser.findElements(By.cssSelector("tr[data-type='apikey.created']"))).isNotEmpty();
        Navigation.press(browser, browser.findElement(By.id("verify-link")));
        assertThat(browser.findElement(By.id("verification")).getAttribute("data-valid")).isEqualTo("true");
        assertThat(body(get("/api/v1/orgs/" + org + "/audit/verify", ownerToken)).get("valid").asBoolean()).isTrue();

        // An access request for the contact's address: confirmed first, its answer (a ZIP the API streams) saved.
        open("/console/orgs/" + org + "/privacy");
        browser.findElement(By.id("confirm-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("confirm-code")).sendKeys(recoveryCodes.removeFirst());
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Confirm']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).startsWith("Confirmed");
        browser.findElement(By.id("access-email")).sendKeys("casey@example.com");
        browser.findElement(By.xpath("//button[text()='Run access request']")).click(); // a download by script: no page loads
        waitFor(() -> browser.findElement(By.id("access-status")).getText().contains("access-request.zip ("));
        assertThat(browser.findElement(By.id("access-status")).getText()).contains("casey@example.com");
        assertThat(auditTypes("privacy.access.exported")).as("the access request, through the API").isEqualTo(1);
    }

    // ------------------------------------------------------------------ acceptance 2

    @Test
    @Order(2)
    void everyPageHasNoCspViolationNoConsoleErrorAndNoSeriousAxeViolation() {
        browser.manage().deleteAllCookies();
        List<String> pages = List.of("/console", "/console/account", "/console/orgs/" + org, "/console/orgs/" + org + "/api-keys",
                "/console/orgs/" + org + "/audit?verify=true", "/console/orgs/" + org + "/privacy", "/console/orgs/" + org + "/keys");
        open("/console");
        browser.manage().logs().get(LogType.BROWSER); // what earlier tests left in the log (a refused form's status) is theirs
        checkPage("/console (sign-in)");
        signInWithTotp();
        for (String page : pages) {
            open(page);
            assertThat(browser.findElements(By.tagName("main"))).as("a main landmark on %s", page).hasSize(1);
            assertThat(browser.findElements(By.tagName("h1"))).as("a heading on %s", page).isNotEmpty();
            checkPage(page);
        }
    }

    @Test
    @Order(3)
    void aViewerSeesNoControlItMayNotUseAndItsForgedPostsAreRefused() throws Exception {
        String viewer = "viewer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(post("/api/v1/orgs/" + org + "/invitations", ownerToken, Map.of("email", viewer, "role", "VIEWER")).statusCode())
                .isEqualTo(201);
        assertThat(post("/api/v1/signup", null, Map.of("email", viewer, "password", PASSWORD, "name", "Vera Viewer",
                "invitationToken", mailedTo(viewer, "(bwi_[0-9A-Za-z]+)"))).statusCode()).isEqualTo(201);
        browser.manage().deleteAllCookies();
        signInWithPassword(viewer);
        for (String page : List.of("/console/orgs/" + org, "/console/orgs/" + org + "/api-keys", "/console/orgs/" + org + "/audit",
                "/console/orgs/" + org + "/privacy", "/console/orgs/" + org + "/keys")) {
            open(page);
            assertThat(browser.findElements(By.cssSelector("main form[method=post], main select, main button")))
                    .as("controls a VIEWER may not use on %s", page).isEmpty();
            assertThat(browser.findElements(By.cssSelector("a[href$='/api-keys'], a[href$='/audit'], a[href$='/keys']")))
                    .as("links to pages a VIEWER may not use, on %s", page).isEmpty();
            checkPage(page + " as a viewer");
        }
        // Forged posts: the viewer's own page, with the viewer's own valid form token, posting what the role may not do.
        int invitations = body(get("/api/v1/orgs/" + org + "/invitations", ownerToken)).path("items").size();
        open("/console/orgs/" + org);
        forge("/console/orgs/" + org + "/invitations", Map.of("email", "forged@example.com", "role", "ADMIN"));
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).contains("role");
        forge("/console/orgs/" + org + "/api-keys", Map.of("name", "forged", "role", "VIEWER"));
        open("/console/orgs/" + org);
        String memberId = body(get("/api/v1/orgs/" + org + "/members", ownerToken)).path("items").valueStream()
                .filter(m -> m.path("email").asString().equals(viewer)).findFirst().orElseThrow().path("userId").asString();
        forge("/console/orgs/" + org + "/members/" + memberId + "/role", Map.of("role", "OWNER", "stepUpPassword", PASSWORD));
        assertThat(body(get("/api/v1/orgs/" + org + "/invitations", ownerToken)).path("items").size()).isEqualTo(invitations);
        assertThat(body(get("/api/v1/orgs/" + org + "/api-keys", ownerToken)).toString()).doesNotContain("forged");
        assertThat(roleOf(viewer)).isEqualTo("VIEWER");
    }

    // ------------------------------------------------------------------ acceptance 3

    @Test
    @Order(4)
    void aCrossSiteFormPostCreatesNothingAndThePagesCannotBeFramed() throws Exception {
        browser.manage().deleteAllCookies();
        signInWithTotp();
        String csrf = browser.manage().getCookieNamed("__Host-bulwark-csrf").getValue();
        String cookies = "__Host-bulwark-access=" + browser.manage().getCookieNamed("__Host-bulwark-access").getValue()
                + "; __Host-bulwark-csrf=" + csrf;
        int invitations = body(get("/api/v1/orgs/" + org + "/invitations", ownerToken)).path("items").size();

        // Another site's page posting a form to the console, in the signed-in browser.
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String form = "<!DOCTYPE html><html lang=en><title>x</title><body><form id=f method=post action='" + base + "/console/orgs/" + org
                + "/invitations'><input name=_csrf value='" + csrf + "'><input name=email value='csrf@example.com'>"
                + "<input name=role value=ADMIN></form><iframe id=frame src='" + base + "/console'></iframe></body></html>";
        evil.createContext("/", exchange -> {
            byte[] page = form.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        evil.start();
        try {
            browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            ((JavascriptExecutor) browser).executeScript("document.getElementById('f').submit()");
            waitFor(() -> browser.getCurrentUrl().startsWith(base));
        } finally {
            evil.stop(0);
        }
        // The same post from outside a browser, with the session and its token: another Origin is refused.
        HttpResponse<String> crossOrigin = http.send(HttpRequest.newBuilder(URI.create(base + "/console/orgs/" + org + "/invitations"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies)
                .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString(
                        "_csrf=" + csrf + "&email=csrf2%40example.com&role=ADMIN")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        // Same origin without the form token: refused too.
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "/console/orgs/" + org + "/invitations"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies).header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("email=csrf3%40example.com&role=ADMIN")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(body(get("/api/v1/orgs/" + org + "/invitations", ownerToken)).path("items").size()).as("nothing created").isEqualTo(invitations);
        // With both, the same request works: the refusals above were the checks, not a broken form.
        HttpResponse<String> own = http.send(HttpRequest.newBuilder(URI.create(base + "/console/orgs/" + org + "/invitations"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies).header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf + "&email=csrf4%40example.com&role=MEMBER")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).isEqualTo(303);
        assertThat(body(get("/api/v1/orgs/" + org + "/invitations", ownerToken)).path("items").size()).isEqualTo(invitations + 1);

        for (String page : List.of("/console", "/console/account", "/console/orgs/" + org)) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + page)).header("Cookie", cookies).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(answer.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'")
                    .contains("script-src 'nonce-").doesNotContain("unsafe-inline");
        }
    }

    // ------------------------------------------------------------------ long lists

    /** Lists longer than a page: each page says whether more follow, and every item is reached through the links. */
    @Test
    @Order(5)
    void aListLongerThanAPageIsReadPageByPage() throws Exception {
        // The browser is still signed in as the owner (the previous test's session); what that test left in the
        // browser's log (its refused posts, the blocked frame) is its own.
        browser.manage().logs().get(LogType.BROWSER);
        java.util.Set<String> invited = new java.util.HashSet<>();
        for (JsonNode pending : body(get("/api/v1/orgs/" + org + "/invitations?limit=200", ownerToken)).path("items")) {
            invited.add(pending.get("email").asString());
        }
        for (int i = 0; invited.size() < 60; i++) {
            String email = "paged-" + i + "@example.com";
            assertThat(post("/api/v1/orgs/" + org + "/invitations", ownerToken, Map.of("email", email, "role", "MEMBER")).statusCode()).isEqualTo(201);
            invited.add(email);
        }
        open("/console/orgs/" + org);
        java.util.Set<String> seen = new java.util.HashSet<>();
        int pages = 0;
        while (true) {
            pages++;
            for (WebElement row : browser.findElements(By.xpath("//section[@aria-labelledby='invite-title']//tbody/tr/td[1]"))) {
                assertThat(seen.add(row.getText())).as("an invitation shown twice: %s", row.getText()).isTrue();
            }
            List<WebElement> more = browser.findElements(By.linkText("More invitations"));
            if (more.isEmpty()) {
                break;
            }
            assertThat(pages).as("pages of 60 invitations").isLessThan(10);
            Navigation.press(browser, more.getFirst());
            checkPage("/console/orgs/{orgId} (invitations, page " + (pages + 1) + ")");
        }
        assertThat(pages).isEqualTo(2);
        assertThat(seen).isEqualTo(invited);
        // A cursor that is not the API's: the API's refusal, shown as a problem, not a page of something else.
        open("/console/orgs/" + org + "?invitationsCursor=' OR 1=1 --");
        assertThat(browser.findElements(By.xpath("//section[@aria-labelledby='invite-title']//tbody/tr"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).contains("cursor");
    }

    // ------------------------------------------------------------------ helpers

    /** Makes the owner's sessions' last verified factor an hour old: past any step-up window. */
    private void ageRecentFactor() throws Exception {
        String userId = body(get("/api/v1/me", ownerToken)).get("id").asString();
        try (java.sql.Connection c = IntegrationTest.connectAs(dir, "postgres");
             java.sql.PreparedStatement s = c.prepareStatement(
                     "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '1 hour' WHERE user_id = ?::uuid")) {
            s.setString(1, userId);
            assertThat(s.executeUpdate()).isPositive();
        }
    }

    private void signInWithPassword(String email) {
        open("/console");
        waitFor(() -> browser.findElements(By.xpath("//h1[text()='Sign in']")).size() == 1 && !browser.findElements(By.id("email")).isEmpty());
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in']")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your organisations");
    }

    private void signInWithTotp() {
        open("/console");
        waitFor(() -> browser.findElements(By.xpath("//h1[text()='Sign in']")).size() == 1 && !browser.findElements(By.id("email")).isEmpty());
        browser.findElement(By.id("email")).sendKeys(ownerEmail);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in']")));
        browser.findElement(By.id("code")).sendKeys(recoveryCodes.removeFirst());
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Continue']")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Your organisations");
    }

    private void signOut() {
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign out']")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Sign in");
    }

    private void stepUpOnAccountPage(String code) {
        browser.findElement(By.id("confirm-password")).sendKeys(PASSWORD);
        if (code != null) {
            browser.findElement(By.id("confirm-code")).sendKeys(code);
        }
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Confirm']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).startsWith("Confirmed");
    }

    /** The step-up form the console asks in place: password and a recovery code, then the action goes on. */
    private void confirmInPlace() {
        WebElement password = browser.findElement(By.id("stepup-password"));
        assertThat(browser.switchTo().activeElement()).as("focus moves to the step-up").isEqualTo(password);
        password.sendKeys(PASSWORD);
        browser.findElement(By.id("stepup-code")).sendKeys(recoveryCodes.removeFirst());
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

    /** Polls {@code condition} until it holds; the bound is only reached when it never does. */
    private void waitFor(java.util.function.BooleanSupplier condition) {
        BrowserChecks.waitFor(browser, condition);
    }

    private static void choose(WebElement select, String value) {
        select.findElement(By.cssSelector("option[value='" + value + "']")).click();
    }

    /** An owner's bearer token after the account's other sessions ended (enrolling a factor ends them). */
    private String freshToken() throws Exception {
        JsonNode login = body(post("/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", PASSWORD)));
        if (!login.path("mfaRequired").asBoolean(false)) {
            return login.get("accessToken").asString();
        }
        return body(post("/api/v1/auth/login/mfa", null, Map.of("mfaToken", login.get("mfaToken").asString(),
                "code", recoveryCodes.removeLast()))).get("accessToken").asString();
    }

    private List<JsonNode> sessionsOf(String token) throws Exception {
        JsonNode answer = body(get("/api/v1/me/sessions", token));
        List<JsonNode> sessions = new ArrayList<>();
        (answer.isArray() ? answer : answer.path("items")).forEach(sessions::add);
        return sessions;
    }

    private String roleOf(String email) throws Exception {
        return body(get("/api/v1/orgs/" + org + "/members", ownerToken)).path("items").valueStream()
                .filter(m -> m.path("email").asString().equals(email)).findFirst().orElseThrow().path("role").asString();
    }

    private int auditTypes(String type) throws Exception {
        return body(get("/api/v1/orgs/" + org + "/audit?type=" + type + "&limit=100", ownerToken)).path("items").size();
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

    /** RFC 6238 with the console's parameters (SHA-1, 6 digits, 30 s), as an authenticator app computes it. */
    private static String totp(String secret, long step) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(new Base32().decode(secret), "HmacSHA1"));
        byte[] hash = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }
}
