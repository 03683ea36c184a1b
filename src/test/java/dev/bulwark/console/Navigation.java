package dev.bulwark.console;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Clicking a control that loads a page, and waiting for that page. ChromeDriver does not always wait for a form's
 * navigation to begin before a click returns, so the next look could read the page being left: the old document is
 * held and the wait ends when it is gone and the new one has loaded.
 */
final class Navigation {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private Navigation() {
    }

    static void press(WebDriver browser, WebElement control) {
        WebElement leaving = browser.findElement(By.tagName("html"));
        control.click();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!gone(leaving) || !"complete".equals(((JavascriptExecutor) browser).executeScript("return document.readyState"))) {
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

    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        }
    }
}
