package dev.bulwark.web.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A web origin (RFC 6454): scheme, host and port, in one normal form so two spellings of the same origin compare
 * equal — lower-case scheme and host, an IPv6 host without its brackets, the scheme's default port made explicit.
 */
record Origin(String scheme, String host, int port) {

    Origin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 0) {
            port = defaultPort(scheme);
        }
    }

    /** The origin of an absolute http(s) URL (an Origin or Referer header); empty for anything else, {@code null} included. */
    static Optional<Origin> parse(String url) {
        if (url == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme();
            if (scheme == null || uri.getHost() == null || uri.getRawUserInfo() != null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return Optional.empty();
            }
            return Optional.of(new Origin(scheme, uri.getHost(), uri.getPort()));
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
    }

    static Origin of(URI uri) {
        return parse(uri.toString()).orElseThrow(() -> new IllegalArgumentException(uri + " is not an http(s) origin"));
    }

    /** The same host and port seen over HTTPS on {@code port}. */
    Origin https(int port) {
        return new Origin("https", host, port);
    }

    /** {@code host[:port]} as a URL writes it: an IPv6 literal in brackets, the scheme's default port left out. */
    String authority() {
        String literal = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == defaultPort(scheme) ? literal : literal + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + authority();
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }
}
