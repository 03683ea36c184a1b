package dev.bulwark.trust;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import dev.bulwark.trust.internal.TrustRunner;
import dev.bulwark.verifier.EvidenceVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26, acceptance 4, in Debian's headless Chromium: the trust page renders the configured brand (name, logo,
 * colours, contact, an operator's template), hides the operators' evidence from anonymous visitors and from signed-in
 * people who are no operator, shows the operator it all once signed in by a browser session, and shows the
 * placeholders it ships with (security.txt's contact and policy) and an unwritten subprocessor list as not configured,
 * never as a pass; times in words, never raw ISO values. And {@code evidence-verify} accepts the running application's
 * own signed bundle with its published key, and refuses it once a byte changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustPageTest {

    /** A 1×1 PNG: a logo the page's policy (img-src 'self' data:) allows. */
    private static final String LOGO = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private ConfigurableApplicationContext app;
    private Path dir;
    private String base;
    private String operatorEmail;
    private String userEmail;

    private static ConfigurableApplicationContext start(Path dir, String... more) {
        String[] base = {"--server.port=0", "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail")};
        return new SpringApplicationBuilder(BulwarkApplication.class).run(
                java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new));
    }

    private static String base(ConfigurableApplicationContext app) {
        return "http://localhost:" + app.getEnvironment().getRequiredProperty("local.server.port");
    }

    private HttpResponse<String> post(String base, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(String email) throws Exception {
        return json.readTree(post(base, "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\"}").body()).get("accessToken").asString();
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("bulwark-trust-page-");
        operatorEmail = "operator-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        userEmail = "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String operatorId;
        // Operators are named by user id at start: the accounts are made first, then the application started again.
        try (ConfigurableApplicationContext first = start(dir)) {
            for (String email : List.of(operatorEmail, userEmail)) {
                assertThat(post(base(first), "/api/v1/signup", "{\"email\":\"" + email + "\",\"password\":\"" + IntegrationTest.STRONG_PASSWORD
                        + "\",\"name\":\"P\",\"organisationName\":\"Org of " + email + "\"}").statusCode()).isEqualTo(201);
            }
            String token = json.readTree(post(base(first), "/api/v1/auth/login", "{\"email\":\"" + operatorEmail + "\",\"password\":\""
                    + IntegrationTest.STRONG_PASSWORD + "\"}").body()).get("accessToken").asString();
            operatorId = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base(first) + "/api/v1/me"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body()).get("id").asString();
        }
        // The operator's own template for the docs; the page itself keeps the built-in one.
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(templates.resolve("trust-doc.html"), """
                <!DOCTYPE html><html lang="en" xmlns:th="http://www.thymeleaf.org"><head><meta charset="utf-8"><link rel="icon" href="data:,">
                <title th:text="${title} + ' at ' + ${brand.productName()}">t</title><style th:nonce="${nonce}">body{font-family:serif}</style>
                </head><body><p id="operator-template">Acme's own layout</p><main th:utext="${body}">doc</main></body></html>
                """);
        // Brand configured; security.txt and subprocessors left at what Bulwark ships with (placeholders, none).
        app = start(dir, "--bulwark.trust.operators=" + operatorId,
                "--bulwark.trust.brand.product-name=Acme Cloud <Beta>", "--bulwark.trust.brand.logo-url=" + LOGO,
                "--bulwark.trust.brand.accent-colour=#7a1fa2", "--bulwark.trust.brand.background=#fffdf5",
                "--bulwark.trust.brand.text=#202020", "--bulwark.trust.brand.contact=mailto:trust@acme-cloud.eu",
                "--bulwark.trust.brand.template-dir=" + templates);
        base = base(app);
        app.getBean(TrustRunner.class).runAll();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private WebDriver browser() {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian's chromium-driver (.ci/run installs it)").exists();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static List<String> problems(WebDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                        || e.getMessage().contains("Content Security Policy"))
                .map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    private static Object js(WebDriver browser, String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    @Test
    void anAnonymousVisitorSeesTheBrandTheClaimsInWordsAndTheNotConfiguredCasesButNoEvidence() {
        WebDriver browser = browser();
        try {
            browser.get(base + "/trust");
            assertThat(browser.getTitle()).isEqualTo("Acme Cloud <Beta> trust center");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Acme Cloud <Beta> trust center");
            WebElement logo = browser.findElement(By.cssSelector("header img"));
            assertThat(logo.getAttribute("src")).isEqualTo(LOGO);
            assertThat((Long) js(browser, "return document.querySelector('header img').naturalWidth")).as("the logo loaded").isEqualTo(1L);
            assertThat(js(browser, "return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(255, 253, 245)");
            assertThat(js(browser, "return getComputedStyle(document.querySelector('main a')).color")).isEqualTo("rgb(122, 31, 162)");
            WebElement contact = browser.findElement(By.cssSelector("a[href='mailto:trust@acme-cloud.eu']"));
            assertThat(contact.getText()).isEqualTo("trust@acme-cloud.eu");

            // No false passes: the shipped security.txt placeholders and the unwritten subprocessor list.
            assertThat(browser.findElement(By.id("vulnerability-disclosure")).getAttribute("data-status")).isEqualTo("not_configured");
            assertThat(browser.findElement(By.id("subprocessors")).getAttribute("data-status")).isEqualTo("not_configured");
            assertThat(browser.findElement(By.cssSelector("[data-not-configured='security-txt']")).getText()).isEqualTo("not configured");
            assertThat(browser.findElement(By.cssSelector("[data-not-configured='subprocessors']")).getText()).isEqualTo("Not configured");
            assertThat(browser.findElement(By.cssSelector("#not-claimed ~ [data-control='subprocessors']")).getText())
                    .contains("Not configured", "we do not claim that every third party");
            assertThat(browser.findElement(By.cssSelector("#not-claimed ~ [data-control='vulnerability-disclosure']")).isDisplayed()).isTrue();
            assertThat(browser.getPageSource()).doesNotContain("None: this deployment", "security@bulwark.localhost");

            // Claims with their status and when checked, in words.
            for (TrustRunner.ControlView control : app.getBean(TrustRunner.class).view()) {
                WebElement shown = browser.findElement(By.id(control.id()));
                assertThat(shown.getAttribute("data-status")).isEqualTo(control.status());
                assertThat(shown.getText()).contains(control.title(), control.claim());
            }
            List<WebElement> times = browser.findElements(By.cssSelector("section.control time"));
            assertThat(times).isNotEmpty().allSatisfy(t -> assertThat(t.getAttribute("textContent"))
                    .matches("just now|\\d+ (second|minute|hour)s? ago"));
            String text = browser.findElement(By.tagName("body")).getAttribute("textContent");
            assertThat(text).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:").doesNotContainPattern("\\bPT\\d");

            // No evidence at all for a visitor, least of all the operators'.
            assertThat(browser.findElements(By.cssSelector("dl.evidence, [data-evidence], #findings"))).isEmpty();
            assertThat(browser.getPageSource()).doesNotContain("Root key form", "LOCAL_", "Other organisations", "Operator view",
                    "operatorOnly", "Chains verified");

            // The keyboard: the first Tab reaches the skip link, which leads to the claims.
            new Actions(browser).sendKeys(Keys.TAB).perform();
            assertThat(js(browser, "return document.activeElement.getAttribute('href')")).isEqualTo("#main");
            assertThat(js(browser, "return document.querySelectorAll('main, header, footer, h1').length")).isEqualTo(4L);
            assertThat(problems(browser)).as("console errors and CSP violations").isEmpty();

            // A doc, as HTML in the operator's own template.
            browser.get(base + "/trust/docs/trust-center");
            assertThat(browser.findElement(By.id("operator-template")).getText()).isEqualTo("Acme's own layout");
            assertThat(browser.getTitle()).endsWith(" at Acme Cloud <Beta>");
            assertThat(browser.findElement(By.cssSelector("main h1")).getText()).isNotBlank();
            assertThat(browser.findElements(By.cssSelector("main table"))).isNotEmpty();
            assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("|---");
            assertThat(problems(browser)).as("console errors and CSP violations on a doc").isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void theOperatorsViewIsForASignedInOperatorAloneAndShowsTheEvidenceInWords() throws Exception {
        // Anonymous and signed-in non-operators: refused, and nothing of the evidence in the answer.
        HttpResponse<String> anonymous = get("/trust/operator", "Accept", "text/html");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> user = get("/trust/operator", "Authorization", "Bearer " + token(userEmail));
        assertThat(user.statusCode()).isEqualTo(403);
        for (HttpResponse<String> refused : List.of(anonymous, user)) {
            assertThat(refused.body()).doesNotContain("Root key", "LOCAL_", "Other organisations", "evidence");
        }
        HttpResponse<String> forOperator = get("/trust/operator", "Authorization", "Bearer " + token(operatorEmail));
        assertThat(forOperator.statusCode()).isEqualTo(200);
        for (String path : List.of("/trust", "/trust/operator", "/trust/docs/trust-center")) {
            HttpResponse<String> page = path.equals("/trust/operator") ? forOperator : get(path);
            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).as(path).contains("default-src 'none'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(page.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(page.body()).as(path).doesNotContain("<script", " onload=", " onclick=", " onerror=");
        }

        // The operator, signed in by a browser session (its cookie), in the browser.
        HttpResponse<String> login = post(base, "/api/v1/auth/login?session=cookie", "{\"email\":\"" + operatorEmail + "\",\"password\":\""
                + IntegrationTest.STRONG_PASSWORD + "\"}", "Origin", base);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        Map<String, String> cookies = new HashMap<>();
        login.headers().allValues("Set-Cookie").forEach(c -> {
            String pair = c.split(";", 2)[0];
            cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        });
        WebDriver browser = browser();
        try {
            browser.get(base + "/trust");
            browser.manage().addCookie(new org.openqa.selenium.Cookie.Builder("__Host-bulwark-access", cookies.get("__Host-bulwark-access"))
                    .path("/").isSecure(true).isHttpOnly(true).sameSite("Lax").build());
            browser.get(base + "/trust/operator");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Acme Cloud <Beta> trust center");
            assertThat(browser.findElement(By.tagName("header")).getText()).contains("Operator view");
            WebElement rootKey = browser.findElement(By.cssSelector("[data-evidence='encryption.root-key']"));
            assertThat(rootKey.getAttribute("textContent")).contains("Root key protected", "Operator only › Root key form", "LOCAL_");
            WebElement canary = browser.findElement(By.cssSelector("[data-evidence='isolation.canary']"));
            assertThat(canary.getAttribute("textContent")).contains("Other organisations");
            assertThat(browser.findElement(By.id("findings")).isDisplayed()).isTrue();
            String text = browser.findElement(By.tagName("body")).getAttribute("textContent");
            assertThat(text).as("evidence in words").doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:").doesNotContainPattern("\\bPT\\d");
            assertThat(problems(browser)).as("console errors and CSP violations").isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void theRunningApplicationsEvidenceBundleVerifiesWithItsPublishedKeyAndNotOnceAByteChanges() throws Exception {
        Path bundle = dir.resolve("evidence.json");
        Path key = dir.resolve("audit-key.txt");
        Files.writeString(bundle, get("/api/v1/trust/evidence").body());
        Files.writeString(key, get("/.well-known/bulwark-audit-key").body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(EvidenceVerifier.run(new String[] {"--bundle", bundle.toString(), "--key", key.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), err)).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("valid", "not_configured=");

        byte[] bytes = Files.readAllBytes(bundle);
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (int at : new int[] {text.indexOf("\"payload\":\"") + 40, text.indexOf("\"signature\":\"") + 20, text.length() / 2, 3}) {
            byte[] changed = bytes.clone();
            changed[at] ^= 0x01;
            Files.write(bundle, changed);
            assertThat(EvidenceVerifier.run(new String[] {"--bundle", bundle.toString(), "--key", key.toString()}, System.out, err))
                    .as("byte %d changed", at).isNotZero();
        }
    }
}
