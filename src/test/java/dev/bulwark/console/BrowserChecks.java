package dev.bulwark.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogType;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console's browser tests check on a page and how they act on one, shared so a new test class does not copy
 * them: the page's axe-core, CSP and console-error check, a forged form post, and a wait with a deadline.
 */
final class BrowserChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserChecks() {
    }

    /** No CSP violation, no console error, no serious or critical axe-core violation on the page shown. */
    static void checkPage(WebDriver browser, String page) {
        String axe;
        try (var in = BrowserChecks.class.getClassLoader().getResourceAsStream("META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
            assertThat(in).as("axe-core from its webjar").isNotNull();
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript(axe);
        @SuppressWarnings("unchecked")
        List<String> violations = (List<String>) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations"
                + ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))));");
        assertThat(violations).as("serious or critical axe-core violations on %s", page).isEmpty();
        List<String> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue() || e.getMessage().contains("Content Security Policy"))
                .filter(e -> !e.getMessage().contains("willReadFrequently"))
                .map(e -> e.getLevel() + " " + e.getMessage()).toList();
        assertThat(problems).as("console errors and CSP violations on %s", page).isEmpty();
    }

    /** Forgets what the browser logged so far (an expected refusal's status), so the next check sees only its page. */
    static void forgetLog(WebDriver browser) {
        browser.manage().logs().get(LogType.BROWSER);
    }

    /** Submits, from the current page, a form the page does not offer, with the session's own form token. */
    static void forge(WebDriver browser, String action, Map<String, String> fields) {
        StringBuilder script = new StringBuilder("const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                + "const add = (n, v) => { const i = document.createElement('input'); i.name = n; i.value = v; f.appendChild(i); };"
                + "add('_csrf', document.cookie.split('; ').find(c => c.startsWith('__Host-bulwark-csrf=')).split('=')[1]);");
        fields.forEach((name, value) -> script.append("add(").append(JSON.writeValueAsString(name)).append(", ")
                .append(JSON.writeValueAsString(value)).append(");"));
        script.append("document.body.appendChild(f); window.bulwarkLeaving = true; f.submit();");
        ((JavascriptExecutor) browser).executeScript(script.toString(), action);
        waitFor(browser, () -> Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(
                "return window.bulwarkLeaving === undefined && document.readyState === 'complete';")));
    }

    /** The status and body of a GET the page's own script makes with the session (cookies, same origin). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fetch(WebDriver browser, String path) {
        return (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done({status: r.status, body: await r.text()}))"
                        + ".catch(e => done({status: 0, body: String(e)}));", path);
    }

    /** Polls {@code condition} until it holds; the bound is only reached when it never does. */
    static void waitFor(WebDriver browser, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!holds(condition)) {
            assertThat(System.nanoTime()).as("waiting in the browser at %s", browser.getCurrentUrl()).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (org.openqa.selenium.WebDriverException midNavigation) {
            return false; // the document went away while it was read: ask again
        }
    }

    /** The text of the element {@code css} on the page shown, or "" when there is none. */
    static String text(WebDriver browser, String css) {
        return browser.findElements(By.cssSelector(css)).stream().findFirst().map(e -> e.getText()).orElse("");
    }
}
