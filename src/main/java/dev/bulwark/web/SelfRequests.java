package dev.bulwark.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The application's requests to itself (the trust center reading its own headers and security.txt): marked with a
 * header holding a random value that never leaves this process, so that the plain-HTTP connector serves them from
 * loopback instead of redirecting them to HTTPS. Anyone else, from anywhere, is redirected as before.
 */
@Component
public class SelfRequests {

    public static final String HEADER = "X-Bulwark-Self-Check";

    private final String token;

    SelfRequests() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.token = HexFormat.of().formatHex(bytes);
    }

    /** The value of {@link #HEADER} on this process's own requests. */
    public String token() {
        return token;
    }

    /** Whether {@code request} is this process's own, from loopback. */
    public boolean isSelf(HttpServletRequest request) {
        String given = request.getHeader(HEADER);
        String from = request.getRemoteAddr();
        return given != null && (from.equals("127.0.0.1") || from.equals("0:0:0:0:0:0:0:1") || from.equals("::1"))
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
