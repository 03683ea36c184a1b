package dev.bulwark.identity.web;

import java.util.UUID;

import dev.bulwark.identity.ClientInfo;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.Jwt;

/** What identity's controllers read off a request and its access token. */
final class Requests {

    private Requests() {
    }

    static ClientInfo client(HttpServletRequest request) {
        // The client address: the direct peer, or what a configured trusted proxy forwarded (ClientAddressFilter).
        return new ClientInfo(request.getRemoteAddr(), request.getHeader(HttpHeaders.USER_AGENT), MDC.get("requestId"));
    }

    static UUID userId(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }

    static UUID sessionId(Jwt jwt) {
        return UUID.fromString(jwt.getClaimAsString("sid"));
    }
}
