package dev.bulwark.trust.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bulwark.ai.AiAssurance;
import dev.bulwark.trust.TrustProperties;
import dev.bulwark.trust.internal.Placeholders;
import dev.bulwark.trust.internal.TrustRunner;

/**
 * What the trust page's template ({@code bulwark-trust/trust.html}, or the operator's own, {@link TrustTemplates})
 * is given: the brand, the areas with how many of their controls pass, every control with its claim, status and when
 * it was checked in words, what is not claimed, the subprocessors and the AI providers. The operators' view adds each
 * check's evidence, in words, and the sweeps' open findings; the public view carries no evidence at all, so no template
 * can show it to a visitor. Templates call the records' accessors ({@code ${c.title()}}).
 */
public final class TrustPage {

    /** Where each area's controls are described, in the docs built into this version (TrustDocsController). */
    private static final Map<String, String> DOCS = Map.of("Data isolation", "tenant-isolation", "Audit", "audit-chain",
            "Encryption", "encryption", "Identity", "authentication", "Privacy", "privacy", "HTTP edge", "http-hardening",
            "Access", "access-control", "AI", "ai-gateway");

    public record Brand(String productName, String logoUrl, String accent, String background, String text, String contact) {
    }

    /** An area: its controls, how many pass, the width of its bar out of 200, and its doc (null if none). */
    public record Area(String name, int passing, int total, int width, String doc, List<Control> controls) {
    }

    /** When something was checked: in words, as a date, and the machine-readable value for {@code <time datetime>}. */
    public record When(String ago, String date, String iso) {
    }

    public record Check(String id, String status, String statusLabel, When checked, List<Words.Line> evidence) {
    }

    public record Control(String id, String area, String title, String claim, String mapsTo, String status, String statusLabel,
                          When checked, List<Check> checks) {
    }

    public record Subprocessor(String name, String purpose, String data, String region, String dpa) {
    }

    /** A security.txt contact, or null when only a placeholder is configured. */
    public record Reporting(List<String> contacts) {
    }

    /**
     * The template's variables. {@code operator}: show evidence and {@code findings}; only ever true for a request a
     * platform operator made (TrustController).
     */
    static Map<String, Object> model(List<TrustRunner.ControlView> views, TrustProperties properties, List<String> securityContacts,
                                     List<AiAssurance.PublishedProvider> aiProviders, String nonce, Instant now, boolean operator,
                                     List<Map<String, Object>> findings) {
        TrustProperties.Brand b = properties.brand();
        Brand brand = new Brand(b.productName(), b.logoUrl(), b.accentColour(), b.background(), b.text(),
                b.contact() == null || Placeholders.isPlaceholder(b.contact()) ? null : b.contact());
        List<Control> controls = new ArrayList<>();
        for (TrustRunner.ControlView v : views) {
            List<Check> checks = new ArrayList<>();
            v.evidence().values().forEach(s -> checks.add(new Check(s.checkId(), s.status(), label(s.status()), when(s.checkedAt(), now),
                    operator ? Words.lines(s.evidence(), now) : List.of())));
            controls.add(new Control(v.id(), v.area(), v.title(), v.claim(), String.join(", ", v.mapsTo()), v.status(), label(v.status()),
                    when(v.checkedAt(), now), List.copyOf(checks)));
        }
        Map<String, List<Control>> byArea = new LinkedHashMap<>();
        controls.forEach(c -> byArea.computeIfAbsent(c.area(), a -> new ArrayList<>()).add(c));
        List<Area> areas = new ArrayList<>();
        byArea.forEach((name, list) -> {
            int passing = (int) list.stream().filter(c -> c.status().equals("pass")).count();
            areas.add(new Area(name, passing, list.size(), 200 * passing / list.size(), DOCS.get(name), List.copyOf(list)));
        });
        List<String> contacts = securityContacts.stream().filter(c -> !Placeholders.isPlaceholder(c)).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("brand", brand);
        model.put("nonce", nonce);
        model.put("generated", when(now, now));
        model.put("areas", areas);
        model.put("controls", controls);
        model.put("unclaimed", controls.stream().filter(c -> !c.status().equals("pass")).toList());
        model.put("subprocessors", properties.subprocessors().stream()
                .map(s -> new Subprocessor(s.name(), s.purpose(), s.data(), s.region(), s.dpa())).toList());
        // "listed", "none" (the operator said so) or "not_configured": an empty list is never shown as "none" by itself.
        model.put("subprocessorsState", !properties.subprocessors().isEmpty() ? "listed" : properties.noSubprocessors() ? "none" : "not_configured");
        model.put("aiProviders", aiProviders);
        // Only real addresses: the shipped placeholders, or none at all, read "not configured".
        model.put("securityContacts", contacts.size() == securityContacts.size() ? contacts : List.of());
        model.put("operator", operator);
        model.put("findings", operator ? findings.stream().map(f -> Words.lines(f, now)).toList() : List.of());
        return model;
    }

    private static When when(Instant at, Instant now) {
        return at == null ? null : new When(Words.ago(at, now), Words.date(at), at.toString());
    }

    static String label(String status) {
        return switch (status) {
            case "pass" -> "Pass";
            case "fail" -> "Fail";
            case "stale" -> "Stale";
            default -> "Not configured";
        };
    }

    private TrustPage() {
    }
}
