package dev.bulwark.web;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;

/**
 * This request's Content-Security-Policy nonce (128 bits, created on first use): a server-rendered page puts it on its
 * {@code <script>} and {@code <style>} tags, and the HTML policy the edge sends allows exactly those.
 */
public final class PageNonce {

    static final String ATTRIBUTE = PageNonce.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    public static String of(HttpServletRequest request) {
        Object nonce = request.getAttribute(ATTRIBUTE);
        if (nonce == null) {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            nonce = Base64.getEncoder().encodeToString(bytes);
            request.setAttribute(ATTRIBUTE, nonce);
        }
        return (String) nonce;
    }

    private PageNonce() {
    }
}
