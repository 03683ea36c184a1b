package dev.bulwark.trust.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bulwark.ai.AiAssurance;
import dev.bulwark.trust.TrustProperties;
import dev.bulwark.trust.internal.TrustRunner;
import org.springframework.web.util.HtmlUtils;

/**
 * The trust center as one server-rendered HTML page, readable without JavaScript: a summary per area (an SVG bar of
 * passing controls), every control with its live status and when it was checked, "What we don't claim" (the controls
 * that fail, are stale or are not configured), the subprocessors, and links to the data behind it. Written by hand
 * with every value escaped: one page does not justify a template engine, and the strict CSP allows only the one
 * nonce'd style block.
 */
final class TrustPage {

    /** Where each area's controls are described, in the docs built into this version (TrustDocsController). */
    private static final Map<String, String> DOCS = Map.of("Data isolation", "tenant-isolation", "Audit", "audit-chain",
            "Encryption", "encryption", "Identity", "authentication", "Privacy", "privacy", "HTTP edge", "http-hardening",
            "Access", "access-control", "AI", "ai-gateway");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    static String render(List<TrustRunner.ControlView> controls, TrustProperties properties,
                         List<AiAssurance.PublishedProvider> aiProviders, String nonce, Instant now) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                // No icon to fetch (the browser would ask for /favicon.ico and get 401).
                .append("<link rel=\"icon\" href=\"data:,\">")
                .append("<title>Bulwark trust center</title><style nonce=\"").append(e(nonce)).append("\">")
                .append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1f24}")
                .append("h1{margin-bottom:.2rem}.muted{color:#57606a}.control{border-top:1px solid #d0d7de;padding:.6rem 0}")
                .append(".status{display:inline-block;min-width:7rem;font-weight:600}.pass{color:#1a7f37}.fail{color:#cf222e}")
                .append(".stale,.not_configured{color:#9a6700}table{border-collapse:collapse;width:100%}")
                .append("td,th{border-bottom:1px solid #d0d7de;text-align:left;padding:.3rem .4rem}")
                .append(".areas{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.8rem}")
                .append("details{margin-top:.3rem}summary{cursor:pointer;color:#0969da}.evidence{font-size:.85rem;color:#57606a;overflow-wrap:anywhere}")
                .append("</style></head><body>\n");
        html.append("<h1>Bulwark trust center</h1><p class=\"muted\">Every claim below is checked against the running system."
                + " Generated ").append(TIME.format(now)).append(". A result older than its check's freshness bound shows as stale.</p>\n");

        Map<String, int[]> areas = new LinkedHashMap<>();
        for (TrustRunner.ControlView c : controls) {
            int[] counts = areas.computeIfAbsent(c.area(), a -> new int[2]);
            counts[1]++;
            if (c.status().equals("pass")) {
                counts[0]++;
            }
        }
        html.append("<h2>Summary</h2><div class=\"areas\">");
        areas.forEach((area, counts) -> {
            int width = counts[1] == 0 ? 0 : 200 * counts[0] / counts[1];
            html.append("<div><strong>").append(e(area)).append("</strong><br><svg width=\"200\" height=\"12\" role=\"img\" aria-label=\"")
                    .append(counts[0]).append(" of ").append(counts[1]).append(" controls pass\"><rect width=\"200\" height=\"12\" fill=\"#eaeef2\"/>")
                    .append("<rect width=\"").append(width).append("\" height=\"12\" fill=\"#2da44e\"/></svg><br><span class=\"muted\">")
                    .append(counts[0]).append(" of ").append(counts[1]).append(" pass</span></div>");
        });
        html.append("</div>\n");

        for (String area : areas.keySet()) {
            html.append("<h2>").append(e(area)).append("</h2>\n");
            String doc = DOCS.get(area);
            if (doc != null) {
                html.append("<p class=\"muted\"><a href=\"/trust/docs/").append(doc).append("\">How it is built and tested</a></p>\n");
            }
            for (TrustRunner.ControlView c : controls) {
                if (c.area().equals(area)) {
                    control(html, c);
                }
            }
        }

        html.append("<h2 id=\"not-claimed\">What we don't claim</h2>\n");
        List<TrustRunner.ControlView> unclaimed = controls.stream().filter(c -> !c.status().equals("pass")).toList();
        if (unclaimed.isEmpty()) {
            html.append("<p>Every control above passes its checks right now.</p>\n");
        }
        for (TrustRunner.ControlView c : unclaimed) {
            html.append("<div class=\"control\" data-control=\"").append(e(c.id())).append("\"><span class=\"status ").append(e(c.status()))
                    .append("\">").append(e(label(c.status()))).append("</span> <strong>").append(e(c.title())).append("</strong>: we do not claim that ")
                    .append(e(lower(c.claim()))).append("</div>\n");
        }

        html.append("<h2>Subprocessors</h2>\n");
        if (properties.subprocessors().isEmpty() && aiProviders.isEmpty()) {
            html.append("<p>None: this deployment sends customer data to no third party.</p>\n");
        } else {
            html.append("<table><thead><tr><th>Name</th><th>Purpose</th><th>Data</th><th>Region</th><th>DPA</th></tr></thead><tbody>");
            for (TrustProperties.Subprocessor s : properties.subprocessors()) {
                html.append("<tr><td>").append(e(s.name())).append("</td><td>").append(e(s.purpose())).append("</td><td>")
                        .append(e(s.data())).append("</td><td>").append(e(s.region())).append("</td><td>").append(e(s.dpa())).append("</td></tr>");
            }
            html.append("</tbody></table>\n");
        }
        if (!aiProviders.isEmpty()) {
            // The AI gateway's providers (bulwark.ai.providers): where prompts, sanitised, may be sent. Never a key or a URL.
            html.append("<h3 id=\"ai-providers\">AI providers</h3>\n<p class=\"muted\">Prompts are sent only to these, only for an")
                    .append(" organisation that enabled AI and allowed the provider, and only after secrets and personal data are replaced")
                    .append(" by placeholders.</p>\n<table><thead><tr><th>Provider</th><th>Kind</th><th>Region</th><th>Models</th></tr></thead><tbody>");
            for (AiAssurance.PublishedProvider p : aiProviders) {
                html.append("<tr><td>").append(e(p.id())).append("</td><td>").append(e(p.kind())).append("</td><td>")
                        .append(e(p.region())).append("</td><td>").append(e(String.join(", ", p.models()))).append("</td></tr>");
            }
            html.append("</tbody></table>\n");
        }
        html.append("<h2>More</h2><ul><li><a href=\"/api/v1/trust\">The same, as JSON</a></li>")
                .append("<li><a href=\"/api/v1/trust/evidence\">Signed evidence bundle</a> (verify with <a href=\"/.well-known/bulwark-audit-key\">the audit key</a>)</li>")
                .append("<li><a href=\"/.well-known/security.txt\">Reporting a vulnerability (security.txt)</a></li>")
                .append("<li><a href=\"/trust/docs/trust-center\">How the trust center checks each claim</a></li>")
                .append("<li><a href=\"/v3/api-docs\">The API description (OpenAPI)</a></li></ul>\n");
        html.append("</body></html>\n");
        return html.toString();
    }

    private static void control(StringBuilder html, TrustRunner.ControlView c) {
        html.append("<div class=\"control\" id=\"").append(e(c.id())).append("\" data-status=\"").append(e(c.status())).append("\">")
                .append("<span class=\"status ").append(e(c.status())).append("\">").append(e(label(c.status()))).append("</span> <strong>")
                .append(e(c.title())).append("</strong><br>").append(e(c.claim())).append("<br><span class=\"muted\">Checked ")
                .append(c.checkedAt() == null ? "never" : TIME.format(c.checkedAt())).append(" · ")
                .append(e(String.join(", ", c.mapsTo()))).append("</span>");
        // The evidence, folded: readable without JavaScript, one click away.
        html.append("<details><summary>How it was checked</summary><ul>");
        for (TrustRunner.Shown check : c.evidence().values()) {
            html.append("<li><code>").append(e(check.checkId())).append("</code> ").append(e(label(check.status())))
                    .append(check.checkedAt() == null ? "" : ", " + TIME.format(check.checkedAt())).append("<br><span class=\"evidence\">")
                    .append(e(evidence(check.evidence()))).append("</span></li>");
        }
        html.append("</ul></details></div>\n");
    }

    /** Evidence as one line of text: {@code key: value; …}, nested maps in parentheses, lists comma-separated. */
    static String evidence(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder text = new StringBuilder();
            map.forEach((k, v) -> text.append(text.isEmpty() ? "" : "; ").append(k).append(": ")
                    .append(v instanceof Map<?, ?> ? "(" + evidence(v) + ")" : evidence(v)));
            return text.toString();
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "none" : String.join(", ", list.stream().map(TrustPage::evidence).toList());
        }
        return String.valueOf(value);
    }

    private static String label(String status) {
        return switch (status) {
            case "pass" -> "✓ pass";
            case "fail" -> "✗ fail";
            case "stale" -> "? stale";
            default -> "– not configured";
        };
    }

    private static String lower(String claim) {
        return claim.isEmpty() ? claim : Character.toLowerCase(claim.charAt(0)) + claim.substring(1);
    }

    private static String e(String text) {
        return HtmlUtils.htmlEscape(text == null ? "" : text, "UTF-8");
    }

    private TrustPage() {
    }
}
