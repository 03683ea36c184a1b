package dev.bulwark.console;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The console's single sign-on and signing pages in Debian's headless Chromium, on an application of its own: 1. an
 * owner with TOTP sees promotion refused in words without approvals, signs a version with password and code, sees the
 * signature valid, promotes the version and downloads the evidence PDF, then adds a passkey and signs a review with it
 * through the page's script; 2. the single sign-on button leads to
 * {@code /api/v1/auth/sso/start} with the address, the owner's SSO page renders (a refused save shows the refusal and
 * saves nothing), an ADMIN's forged save is refused, a VIEWER sees no form on either page; every page passes the CSP,
 * console-error and axe-core checks. One browser for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSigningBrowserTest {

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
    private String totpSecret;
    private long lastStep;
    private final List<String> recoveryCodes = new ArrayList<>();
    private String project;
    private String document;

    @BeforeAll
    void start() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian's chromium-driver (.ci/run installs it)").exists();
        dir = Files.createTempDirectory("bulwark-console-signing-");
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

        // The owner, with TOTP enrolled through the API, and a project with one draft document.
        ownerEmail = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode signup = body(post("/api/v1/signup", null, Map.of("email", ownerEmail, "password", PASSWORD, "name", "Olive Owner",
                "organisationName", "Signing Org")));
        org = signup.get("organisationId").asString();
        verify(ownerEmail);
        ownerToken = body(post("/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", PASSWORD))).get("accessToken").asString();
        totpSecret = body(post("/api/v1/me/mfa/totp", ownerToken, null)).get("secret").asString();
        lastStep = Instant.now().getEpochSecond() / 30;
        body(post("/api/v1/me/mfa/totp/confirm", ownerToken, Map.of("code", totp(totpSecret, lastStep)))).get("recoveryCodes")
                .forEach(c -> recoveryCodes.add(c.asString()));
        JsonNode login = body(post("/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", PASSWORD)));
        ownerToken = body(post("/api/v1/auth/login/mfa", null, Map.of("mfaToken", login.get("mfaToken").asString(),
                "code", recoveryCodes.removeLast()))).get("accessToken").asString();
        project = body(post("/api/v1/orgs/" + org + "/projects", ownerToken, Map.of("name", "Quality manual"))).get("id").asString();
        document = body(post("/api/v1/orgs/" + org + "/projects/" + project + "/documents", ownerToken,
                Map.of("title", "Release procedure", "body", "<p>Every release is reviewed.</p>"))).get("id").asString();
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
    void anOwnerWithTotpSignsAVersionPromotesItAndDownloadsTheEvidence() throws Exception {
        signIn(ownerEmail, recoveryCodes.removeFirst());
        String documentPage = "/console/orgs/" + org + "/projects/" + project + "/documents/" + document;

        open("/console/orgs/" + org + "/documents");
        assertThat(browser.findElement(By.cssSelector("tr[data-document-id='" + document + "']")).getText())
                .contains("Release procedure", "draft", "human");
        checkPage("documents");
        Navigation.press(browser, browser.findElement(By.linkText("Release procedure")));
        assertThat(browser.findElement(By.id("document-status")).getText()).isEqualTo("draft");
        checkPage("document");

        // Promotion without the approval: refused in words, nothing changes.
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Promote this version']")));
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).contains("lacks the approval signatures");
        assertThat(documentStatus()).isEqualTo("draft");
        browser.manage().logs().get(LogType.BROWSER); // the refusal's 409 status is logged by the browser: expected

        // Signing without the code: the API's refusal in words, nothing signed.
        fillSignForm("approval", "Reviewed and approved", PASSWORD, null);
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).contains("password and", "code");
        assertThat(signatures()).isEmpty();
        browser.manage().logs().get(LogType.BROWSER);

        // Password and the authenticator's next code: signed, and the signature shows as valid.
        fillSignForm("approval", "Reviewed and approved", PASSWORD, nextCode());
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("Signed.");
        WebElement row = browser.findElement(By.cssSelector("#signatures tbody tr"));
        assertThat(row.findElement(By.cssSelector("td.valid")).getText()).isEqualTo("yes");
        assertThat(row.getText()).contains("approval", "Reviewed and approved", "Olive Owner", "OWNER");
        List<JsonNode> signed = signatures();
        assertThat(signed).hasSize(1);
        assertThat(signed.getFirst().path("valid").asBoolean()).isTrue();
        assertThat(signed.getFirst().path("authMethod").asString()).isNotBlank();
        checkPage("document after signing");

        // The approval is met: promotion works.
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Promote this version']")));
        assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).isEqualTo("The version is now effective.");
        assertThat(browser.findElement(By.id("document-status")).getText()).isEqualTo("effective");
        assertThat(documentStatus()).isEqualTo("effective");

        // The evidence link answers a PDF to the person's session.
        String href = browser.findElement(By.cssSelector("a.evidence")).getAttribute("href");
        assertThat(href).endsWith("/versions/1/evidence.pdf");
        @SuppressWarnings("unchecked")
        Map<String, Object> download = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(async r => { const b = new Uint8Array(await r.arrayBuffer());"
                        + "done({status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5))}); })"
                        + ".catch(e => done({status: 0, type: String(e), head: ''}));", href);
        assertThat(download.get("status")).isEqualTo(200L);
        assertThat(download.get("type").toString()).startsWith("application/pdf");
        assertThat(download.get("head")).isEqualTo("%PDF-");
        open(documentPage);
        checkPage("document, effective");

        // A passkey (Chrome's virtual authenticator), added on the account page, signs a review through the page's script.
        VirtualAuthenticator authenticator = ((HasVirtualAuthenticator) browser).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2).setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
        try {
            open("/console/account");
            browser.findElement(By.id("confirm-password")).sendKeys(PASSWORD);
            browser.findElement(By.id("confirm-code")).sendKeys(recoveryCodes.removeFirst());
            Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Confirm']")));
            assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).startsWith("Confirmed");
            browser.findElement(By.id("passkey-register")).click();
            waitFor(() -> browser.getCurrentUrl().contains("done=passkey-added"));
            // Adding a factor ends the account's other sessions: the test's bearer token too.
            JsonNode login = body(post("/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", PASSWORD)));
            ownerToken = body(post("/api/v1/auth/login/mfa", null, Map.of("mfaToken", login.get("mfaToken").asString(),
                    "code", recoveryCodes.removeLast()))).get("accessToken").asString();
            open(documentPage);
            browser.findElement(By.cssSelector("#sign-meaning option[value='review']")).click();
            browser.findElement(By.id("sign-reason")).sendKeys("Reviewed with a passkey");
            browser.findElement(By.id("sign-passkey")).click();
            waitFor(() -> browser.getCurrentUrl().contains("done=signed"));
            assertThat(browser.findElements(By.cssSelector("#signatures tbody tr"))).hasSize(2);
            JsonNode byPasskey = signatures().stream().filter(x -> x.path("meaning").asString().equals("review")).findFirst().orElseThrow();
            assertThat(byPasskey.path("valid").asBoolean()).isTrue();
            assertThat(byPasskey.path("authMethod").asString()).isEqualTo("passkey");
            checkPage("document after a passkey signature");
        } finally {
            ((HasVirtualAuthenticator) browser).removeVirtualAuthenticator(authenticator);
        }
    }

    @Test
    @Order(2)
    void singleSignOnLeadsToTheStartAndItsSettingsAreTheOwnersOnly() throws Exception {
        // The sign-in page's single sign-on form leads to the start endpoint with the address.
        browser.manage().deleteAllCookies();
        open("/console");
        checkPage("sign-in");
        browser.findElement(By.id("sso-email")).sendKeys("pat@sso.example.com");
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in with single sign-on']")));
        waitFor(() -> browser.getCurrentUrl().contains("/api/v1/auth/sso/start"));
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/api/v1/auth/sso/start?email=pat%40sso.example.com");
        browser.manage().logs().get(LogType.BROWSER); // no organisation has the domain: the start's 404 is expected

        // The owner's page renders its form; a save the API refuses shows the refusal and saves nothing.
        signIn(ownerEmail, recoveryCodes.removeFirst());
        String ssoPage = "/console/orgs/" + org + "/sso";
        open(ssoPage);
        assertThat(browser.findElement(By.tagName("h2")).getText()).isEqualTo("Single sign-on");
        assertThat(browser.findElements(By.id("sso-settings"))).hasSize(1);
        assertThat(browser.findElement(By.id("sso-client-secret")).getAttribute("type")).isEqualTo("password");
        checkPage("single sign-on");
        browser.findElement(By.id("sso-issuer")).sendKeys("https://127.0.0.1:9/issuer");
        browser.findElement(By.id("sso-client-id")).sendKeys("bulwark");
        browser.findElement(By.id("sso-client-secret")).sendKeys("client-secret-value");
        browser.findElement(By.id("sso-domains")).sendKeys("sso.example.com");
        browser.findElement(By.id("sso-stepup-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("sso-stepup-code")).sendKeys(nextCode());
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Save single sign-on']")));
        // The step-up on the form passed; the API refused the issuer (no discovery document at an internal address).
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).isNotBlank().doesNotContain("not accepted")
                .doesNotContain("needs your password");
        assertThat(browser.getPageSource()).doesNotContain("client-secret-value");
        assertThat(get("/api/v1/orgs/" + org + "/sso/oidc", ownerToken).statusCode()).isEqualTo(404);
        browser.manage().logs().get(LogType.BROWSER);

        // An ADMIN: no SSO form, and a forged save is refused by the API.
        String admin = member("ADMIN");
        browser.manage().deleteAllCookies();
        signIn(admin, null);
        open(ssoPage);
        assertThat(browser.findElements(By.cssSelector("main form"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("a[href$='/sso']"))).isEmpty();
        checkPage("single sign-on as an admin");
        forge("/console/orgs/" + org + "/sso", Map.of("issuer", "https://idp.example.com", "clientId", "x", "clientSecret", "y",
                "domains", "sso.example.com", "defaultRole", "MEMBER", "stepUpPassword", PASSWORD));
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).isNotBlank().doesNotContain("not accepted");
        assertThat(get("/api/v1/orgs/" + org + "/sso/oidc", ownerToken).statusCode()).isEqualTo(404);
        browser.manage().logs().get(LogType.BROWSER);

        // A VIEWER: the documents and the SSO page show no form.
        String viewer = member("VIEWER");
        browser.manage().deleteAllCookies();
        signIn(viewer, null);
        for (String page : List.of(ssoPage, "/console/orgs/" + org + "/documents",
                "/console/orgs/" + org + "/projects/" + project + "/documents/" + document)) {
            open(page);
            assertThat(browser.findElements(By.cssSelector("main form, main select, main button"))).as("controls on %s", page).isEmpty();
            checkPage(page + " as a viewer");
        }
        // Ids that are not the person's: another organisation's pages, another project's or an unknown document: not found.
        for (String page : List.of("/console/orgs/" + UUID.randomUUID() + "/documents", "/console/orgs/" + UUID.randomUUID() + "/sso",
                "/console/orgs/" + org + "/projects/" + UUID.randomUUID() + "/documents/" + document,
                "/console/orgs/" + org + "/projects/" + project + "/documents/" + UUID.randomUUID())) {
            open(page);
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(page).isEqualTo("Not found");
        }
        browser.manage().logs().get(LogType.BROWSER); // the 404 statuses are expected
        open("/console/orgs/" + org + "/documents");
        forge("/console/orgs/" + org + "/projects/" + project + "/documents/" + document + "/sign",
                Map.of("version", "1", "meaning", "approval", "reason", "forged", "password", PASSWORD));
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).isNotBlank();
        assertThat(signatures()).as("the owner's two signatures only").hasSize(2)
                .noneMatch(x -> x.path("reason").asString().equals("forged"));
    }

    // ------------------------------------------------------------------ helpers

    private void fillSignForm(String meaning, String reason, String password, String code) {
        browser.findElement(By.cssSelector("#sign-meaning option[value='" + meaning + "']")).click();
        browser.findElement(By.id("sign-reason")).sendKeys(reason);
        browser.findElement(By.id("sign-password")).sendKeys(password);
        if (code != null) {
            browser.findElement(By.id("sign-code")).sendKeys(code);
        } else {
            // The page asks for the code (required): taken off here to reach the API's own refusal.
            ((JavascriptExecutor) browser).executeScript("document.getElementById('sign-code').removeAttribute('required')");
        }
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign']")));
    }

    private String documentStatus() throws Exception {
        return body(get("/api/v1/orgs/" + org + "/projects/" + project + "/documents/" + document, ownerToken)).path("status").asString();
    }

    private List<JsonNode> signatures() throws Exception {
        List<JsonNode> items = new ArrayList<>();
        body(get("/api/v1/orgs/" + org + "/projects/" + project + "/documents/" + document + "/signatures", ownerToken))
                .path("items").forEach(items::add);
        return items;
    }

    /** A member of the owner's organisation with {@code role}, invited and signed up through the API. */
    private String member(String role) throws Exception {
        String email = role.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertThat(post("/api/v1/orgs/" + org + "/invitations", ownerToken, Map.of("email", email, "role", role)).statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/signup", null, Map.of("email", email, "password", PASSWORD, "name", "A " + role,
                "invitationToken", mailedTo(email, "(bwi_[0-9A-Za-z]+)"))).statusCode()).isEqualTo(201);
        return email;
    }

    /** Signs in through the console's page; {@code code} for the second step when the account has one. */
    private void signIn(String email, String code) {
        open("/console");
        waitFor(() -> browser.findElements(By.xpath("//h1[text()='Sign in']")).size() == 1 && !browser.findElements(By.id("email")).isEmpty());
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Sign in']")));
        if (code != null) {
            browser.findElement(By.id("code")).sendKeys(code);
            Navigation.press(browser, browser.findElement(By.xpath("//button[text()='Continue']")));
        }
        waitFor(() -> !browser.findElements(By.xpath("//h1[text()='Your organisations']")).isEmpty());
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

    /**
     * The authenticator's next unused code: a step after the last one used (each counts once) that the server still
     * accepts (one step either side of now). When the next unused step lies further ahead, this waits for it.
     */
    private String nextCode() throws Exception {
        long step = Math.max(lastStep + 1, Instant.now().getEpochSecond() / 30 - 1);
        while (step > Instant.now().getEpochSecond() / 30 + 1) {
            Thread.sleep(200);
        }
        lastStep = step;
        return totp(totpSecret, step);
    }

    /** Polls {@code condition} until it holds; the bound is only reached when it never does. */
    private void waitFor(java.util.function.BooleanSupplier condition) {
        BrowserChecks.waitFor(browser, condition);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
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
