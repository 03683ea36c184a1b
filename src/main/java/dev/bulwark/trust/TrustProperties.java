package dev.bulwark.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The trust center's settings (docs/trust-center.md).
 *
 * @param interval         how often every check runs (also once at start)
 * @param operators        user ids of the platform operators who may run the checks on demand and read the full evidence
 * @param subprocessors    who processes customer data for the platform, as published on the page
 * @param noSubprocessors  set to say that no third party processes customer data: without it, an empty list is shown
 *                         as not configured, never as "none"
 * @param scanRowsPerRun   how many stored rows the ciphertext sweep reads a run
 * @param scanCycle        the longest a sweep may take to cover every row or organisation once; a longer one fails its check
 * @param brand            how the trust page looks: name, logo, colours, contact and the templates it is drawn with
 */
@ConfigurationProperties("bulwark.trust")
public record TrustProperties(
        @DefaultValue("5m") Duration interval,
        List<UUID> operators,
        List<Subprocessor> subprocessors,
        @DefaultValue("false") boolean noSubprocessors,
        @DefaultValue("20000") int scanRowsPerRun,
        @DefaultValue("24h") Duration scanCycle,
        @DefaultValue Brand brand) {

    /** A subprocessor: its name, why, which data, where, and whether a DPA is signed. */
    public record Subprocessor(String name, String purpose, String data, String region, String dpa) {
    }

    /**
     * The trust page's brand ({@code bulwark.trust.brand.*}).
     *
     * @param productName  shown in the title and heading
     * @param logoUrl      a path on this origin ({@code /…}) or a {@code data:image/…;base64,} URI: the page's policy loads
     *                     images from nowhere else; empty for none
     * @param accentColour links, headings' rule and the status bars, {@code #rrggbb}
     * @param background   the page's background, {@code #rrggbb}
     * @param text         the text's colour, {@code #rrggbb}; it and the accent must contrast with the background at
     *                     least 4.5:1 (WCAG 2.2 AA), or the application does not start
     * @param contact      where a buyer's security reviewer writes ({@code mailto:} or {@code https://}); empty, or a
     *                     placeholder address, is shown as not configured
     * @param templateDir  a directory whose {@code trust.html}, {@code trust-operator.html} or {@code trust-doc.html}
     *                     replace the built-in templates of the same name; empty for the built-in ones
     */
    public record Brand(
            @DefaultValue("Bulwark") String productName,
            String logoUrl,
            @DefaultValue("#0a58ca") String accentColour,
            @DefaultValue("#ffffff") String background,
            @DefaultValue("#1b1f24") String text,
            String contact,
            Path templateDir) {

        public Brand {
            if (productName == null || productName.isBlank() || productName.length() > 60 || productName.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("bulwark.trust.brand.product-name: 1 to 60 printable characters");
            }
            logoUrl = logoUrl == null || logoUrl.isBlank() ? null : logoUrl.strip();
            if (logoUrl != null && !(logoUrl.matches("/[^/\\\\\\s][^\\s\"'<>]*")
                    || logoUrl.matches("data:image/(png|jpeg|gif|webp|svg\\+xml);base64,[A-Za-z0-9+/]+={0,2}"))) {
                throw new IllegalArgumentException("bulwark.trust.brand.logo-url: a path on this origin (/…) or a data:image/…;base64,"
                        + " URI; the page's Content-Security-Policy loads images from nowhere else");
            }
            for (String colour : new String[] {accentColour, background, text}) {
                if (colour == null || !colour.matches("#[0-9a-fA-F]{6}")) {
                    throw new IllegalArgumentException("bulwark.trust.brand colours are #rrggbb, not " + colour);
                }
            }
            if (contrast(text, background) < 4.5 || contrast(accentColour, background) < 4.5) {
                throw new IllegalArgumentException("bulwark.trust.brand: the text and accent colours must contrast with the"
                        + " background at least 4.5:1 (WCAG 2.2 AA), or some visitors cannot read the page");
            }
            contact = contact == null || contact.isBlank() ? null : contact.strip();
            if (contact != null && !contact.matches("(mailto:|https://)[^\\s\"'<>]+")) {
                throw new IllegalArgumentException("bulwark.trust.brand.contact: a mailto: or https:// URI");
            }
            if (templateDir != null && !Files.isDirectory(templateDir)) {
                throw new IllegalArgumentException("bulwark.trust.brand.template-dir: no such directory: " + templateDir);
            }
        }

        /** The WCAG 2.2 contrast ratio of two {@code #rrggbb} colours, 1 to 21. */
        public static double contrast(String a, String b) {
            double la = luminance(a);
            double lb = luminance(b);
            return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
        }

        private static double luminance(String colour) {
            double[] c = new double[3];
            for (int i = 0; i < 3; i++) {
                double v = Integer.parseInt(colour.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
                c[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            }
            return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        }
    }

    public TrustProperties {
        operators = operators == null ? List.of() : List.copyOf(operators);
        subprocessors = subprocessors == null ? List.of() : List.copyOf(subprocessors);
        if (noSubprocessors && !subprocessors.isEmpty()) {
            throw new IllegalArgumentException("bulwark.trust.no-subprocessors is set while bulwark.trust.subprocessors lists some");
        }
        if (scanRowsPerRun < 100) {
            throw new IllegalArgumentException("bulwark.trust.scan-rows-per-run must be at least 100");
        }
        if (brand == null) {
            brand = new Brand("Bulwark", null, "#0a58ca", "#ffffff", "#1b1f24", null, null);
        }
    }
}
