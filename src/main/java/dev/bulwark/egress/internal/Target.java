package dev.bulwark.egress.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.bulwark.egress.DestinationNotAllowedException;

/**
 * A URL egress will call, parsed strictly (docs/egress.md#what-a-url-may-be). Egress splits the URL itself and then
 * asks {@link URI} to parse it too: both must agree on the host and the port, so no other parser on the way reads a
 * different destination out of the same text.
 *
 * @param uri           the URL without its fragment
 * @param https         whether the scheme is https
 * @param host          the host, lower case; an IPv6 literal without its brackets
 * @param literal       the address when the host is a numeric literal; null for a name
 * @param port          the port (explicit, or 80/443)
 * @param hostHeader    the {@code Host} header: the host as written (brackets kept), with the port when it is not the
 *                      scheme's default
 * @param requestTarget the path and query sent in the request line ({@code /} when the URL has no path)
 */
public record Target(URI uri, boolean https, String host, InetAddress literal, int port, String hostHeader,
                     String requestTarget) {

    public static final int MAX_LENGTH = 2000;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9]");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
    /** WHATWG URL's "ends in a number": a last label of digits, or 0x and hex digits, makes a host an IPv4 spelling. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    /** Parses {@code url}; {@link DestinationNotAllowedException} naming the rule it breaks. */
    public static Target parse(String url) {
        if (url == null || url.isEmpty()) {
            throw refused("the URL is empty");
        }
        if (url.length() > MAX_LENGTH) {
            throw refused("the URL is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            // Printable ASCII only: no spaces, controls (CR, LF, tab, NUL), non-ASCII (an IDN is written in punycode)
            // or backslashes, which some parsers read as '/'.
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                throw refused("the URL holds a character outside printable ASCII, a space or a backslash");
            }
        }
        int hash = url.indexOf('#');
        String bare = hash >= 0 ? url.substring(0, hash) : url;
        String lower = bare.toLowerCase(Locale.ROOT);
        boolean https;
        int authorityStart;
        if (lower.startsWith("http://")) {
            https = false;
            authorityStart = 7;
        } else if (lower.startsWith("https://")) {
            https = true;
            authorityStart = 8;
        } else {
            throw refused("the scheme must be http or https");
        }
        int authorityEnd = bare.length();
        for (int i = authorityStart; i < bare.length(); i++) {
            char c = bare.charAt(i);
            if (c == '/' || c == '?') {
                authorityEnd = i;
                break;
            }
        }
        String authority = bare.substring(authorityStart, authorityEnd);
        String rest = bare.substring(authorityEnd);
        if (authority.indexOf('@') >= 0) {
            throw refused("the URL must not hold user information (user@host)");
        }
        if (authority.indexOf('%') >= 0) {
            throw refused("the host must not be percent-encoded or carry an IPv6 zone id");
        }
        String hostText;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw refused("the IPv6 literal is not closed");
            }
            hostText = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.isEmpty()) {
                portText = null;
            } else if (after.startsWith(":")) {
                portText = after.substring(1);
            } else {
                throw refused("the authority is malformed");
            }
        } else {
            int colon = authority.indexOf(':');
            hostText = colon >= 0 ? authority.substring(0, colon) : authority;
            portText = colon >= 0 ? authority.substring(colon + 1) : null;
        }
        int port;
        if (portText == null) {
            port = https ? 443 : 80;
        } else {
            if (!PORT.matcher(portText).matches() || Integer.parseInt(portText) > 65535) {
                throw refused("the port must be a number 1-65535 without leading zeros");
            }
            port = Integer.parseInt(portText);
        }
        String host;
        InetAddress literal;
        String hostHeaderHost;
        if (authority.startsWith("[")) {
            byte[] bytes = Literals.v6(hostText)
                    .orElseThrow(() -> refused("the IPv6 literal is malformed"));
            literal = SpecialAddresses.toInetAddress(bytes);
            host = hostText.toLowerCase(Locale.ROOT);
            hostHeaderHost = "[" + host + "]";
        } else {
            host = hostText.toLowerCase(Locale.ROOT);
            literal = numericOrName(host);
            hostHeaderHost = host;
        }
        if (!rest.isEmpty() && !rest.startsWith("/") && !rest.startsWith("?")) {
            throw refused("the URL is malformed");
        }
        String requestTarget = rest.isEmpty() || rest.startsWith("?") ? "/" + rest : rest;
        URI uri;
        try {
            uri = new URI(bare);
        } catch (URISyntaxException e) {
            throw refused("the URL is malformed");
        }
        // The JDK's reading must be ours: same host, same port.
        String uriHost = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        int uriPort = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        if (uri.getRawUserInfo() != null || !hostHeaderHost.equals(uriHost) || uriPort != port) {
            throw refused("the URL is malformed");
        }
        String hostHeader = portText == null ? hostHeaderHost : hostHeaderHost + ":" + port;
        return new Target(uri, https, host, literal, port, hostHeader, requestTarget);
    }

    /**
     * The address of a canonical dotted quad; null for a DNS name (letters, digits and hyphens in labels of up to 63,
     * whose last label starts with a letter). Any other spelling of a number, and a trailing dot, is refused.
     */
    private static InetAddress numericOrName(String host) {
        if (host.isEmpty()) {
            throw refused("the URL has no host");
        }
        if (Literals.isDottedQuad(host)) {
            return SpecialAddresses.toInetAddress(Literals.parse(host).orElseThrow());
        }
        if (host.endsWith(".")) {
            throw refused("the host must not end with a dot");
        }
        String[] labels = host.split("\\.", -1);
        String last = labels[labels.length - 1];
        if (NUMERIC_LABEL.matcher(last).matches()) {
            throw refused("the host is a number spelled other than as a canonical dotted quad (a.b.c.d, decimal, no leading zeros)");
        }
        if (host.length() > 253) {
            throw refused("the host name is longer than 253 characters");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw refused("the host name is malformed (labels of letters, digits and hyphens)");
            }
        }
        if (!Character.isLetter(last.charAt(0))) {
            throw refused("the host name's last label must start with a letter");
        }
        return null;
    }

    /** Whether the host is a DNS name that must be resolved. */
    public boolean isName() {
        return literal == null;
    }

    static DestinationNotAllowedException refused(String detail) {
        return new DestinationNotAllowedException(detail);
    }
}
