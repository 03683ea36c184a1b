package dev.bulwark.workspace.internal;

import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * Document bodies are HTML, sanitised on the way in against an allow-list (OWASP Java HTML Sanitizer): text
 * formatting, headings, lists, quotes, code, tables and http(s)/mailto links, which get {@code rel="nofollow
 * noopener noreferrer"}. Scripts, event handlers, styles, frames, forms, images and every other URL scheme are
 * dropped. What is stored is what the sanitiser emits, so the raw input never reaches the database.
 */
final class HtmlBodies {

    private static final PolicyFactory POLICY = Sanitizers.FORMATTING
            .and(Sanitizers.BLOCKS)
            .and(Sanitizers.TABLES)
            .and(new HtmlPolicyBuilder()
                    .allowElements("a")
                    .allowAttributes("href").onElements("a")
                    .allowUrlProtocols("https", "http", "mailto")
                    .requireRelsOnLinks("nofollow", "noopener", "noreferrer")
                    .allowElements("pre", "code", "hr", "br", "span")
                    .toFactory());

    private HtmlBodies() {
    }

    static String sanitise(String html) {
        return html == null ? "" : POLICY.sanitize(html);
    }
}
