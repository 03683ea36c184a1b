package dev.bulwark.console;

import java.time.Duration;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/**
 * Clicking a control that loads a page, and waiting for that page. ChromeDriver does not always wait for a form's
 * navigation to begin before a click returns, so the next look could read the page being left: the old document's
 * window is marked, and the wait ends when a window without the mark has loaded.
 */
final class Navigation {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private Navigation() {
    }

    static void press(WebDriver browser, WebElement control) {
        JavascriptExecutor script = (JavascriptExecutor) browser;
        script.executeScript("window.bulwarkLeaving = true;");
        control.click();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!loaded(script)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no page loaded within " + BOUND + " of the click, at " + browser.getCurrentUrl());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A new document (its window lacks the mark the old one carried) that has finished loading. */
    private static boolean loaded(JavascriptExecutor script) {
        try {
            return Boolean.TRUE.equals(script.executeScript("return window.bulwarkLeaving === undefined && document.readyState === 'complete';"));
        } catch (WebDriverException midNavigation) {
            return false; // the document went away while the script ran: ask the next one
        }
    }
}
