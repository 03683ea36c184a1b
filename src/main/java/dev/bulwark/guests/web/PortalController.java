package dev.bulwark.guests.web;

import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.access.Public;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.guests.internal.GuestAccess;
import dev.bulwark.guests.internal.PortalReads;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.shared.Tokens;
import dev.bulwark.web.HttpProperties;
import dev.bulwark.web.PageNonce;
import dev.bulwark.workspace.SharedDocuments;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The guest's side (docs/guests.md). {@code GET /portal/magic} answers a page with a button and never uses the link
 * (mail scanners follow links); the page's form {@code POST /portal/magic} uses it once and starts the guest session.
 * The form carries an anti-CSRF field bound to this page: the SHA-256 of a random value the page set in a cookie and
 * of the token, so the POST must come from the browser that loaded the page; and the POST must come from this
 * application's origin. The guest session is a cookie ({@code __Host-}, HttpOnly, Secure, SameSite=Strict) that only
 * the two portal reads accept; no other endpoint knows it, so it answers 401 everywhere else.
 *
 * <p>The endpoints are {@link Public} to the access module, which knows people and keys only: each checks the guest's
 * own credential itself. The origin check is hand-written because Spring Security's CSRF support is off in this
 * application (see the web module) and this is the one form post of a page.
 */
@RestController
class PortalController {

    static final String SESSION = "__Host-bulwark-guest";
    static final String FORM = "__Host-bulwark-guest-form";
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=utf-8");

    private final GuestAccess access;
    private final PortalReads reads;
    private final URI publicOrigin;

    PortalController(GuestAccess access, PortalReads reads, HttpProperties http) {
        this.access = access;
        this.reads = reads;
        this.publicOrigin = http.publicOrigin();
    }

    // A page for people (the link in the guest's mail), not part of the API: hidden from its description.
    @Hidden
    @GetMapping("/portal/magic")
    @Public
    ResponseEntity<String> page(HttpServletRequest request, @RequestParam(required = false) String token) {
        if (!GuestAccess.wellFormed(token) || !access.linkUsable(token)) {
            return invalidLink(request);
        }
        String nonce = PageNonce.of(request);
        String form = randomValue();
        ResponseCookie cookie = ResponseCookie.from(FORM, form).httpOnly(true).secure(true).sameSite("Strict").path("/")
                .maxAge(GuestAccess.LINK_LIFETIME).build();
        return ResponseEntity.ok().contentType(HTML).header(HttpHeaders.SET_COOKIE, cookie.toString())
                .header("X-Robots-Tag", "noindex")
                .body(MagicPage.confirm(nonce, token, csrfFor(form, token)));
    }

    // The confirmation page's own form post: a browser's, not a client's, so not in the API's description (whose
    // generated clients would otherwise need a multipart library for this one form).
    @Hidden
    @PostMapping(value = "/portal/magic", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    @Public
    @Audited(AuditType.GUEST_SIGNED_IN)
    ResponseEntity<String> signIn(HttpServletRequest request, @RequestParam(required = false) String token,
                                  @RequestParam(required = false) String csrf) {
        if (!fromOwnOrigin(request)) {
            throw new RefusedException(403, "cross-origin-sign-in", "Cross-origin sign-in",
                    "A guest sign-in must come from this application's own page.");
        }
        String form = cookie(request, FORM);
        if (form == null || csrf == null || token == null
                || !MessageDigest.isEqual(csrfFor(form, token).getBytes(StandardCharsets.US_ASCII), csrf.getBytes(StandardCharsets.UTF_8))) {
            throw new RefusedException(403, "csrf-token-missing", "CSRF token missing or wrong",
                    "Sign in with the button of the page the link opened, in the same browser.");
        }
        Optional<GuestAccess.Started> started = access.signIn(token, request.getHeader(HttpHeaders.USER_AGENT));
        if (started.isEmpty()) {
            return invalidLink(request);
        }
        Duration lives = Duration.between(access.now(), started.get().expiresAt());
        ResponseCookie session = ResponseCookie.from(SESSION, started.get().token()).httpOnly(true).secure(true).sameSite("Strict")
                .path("/").maxAge(lives.isNegative() ? Duration.ZERO : lives).build();
        ResponseCookie spent = ResponseCookie.from(FORM, "").httpOnly(true).secure(true).sameSite("Strict").path("/")
                .maxAge(0).build();
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/api/v1/portal/documents"))
                .header(HttpHeaders.SET_COOKIE, session.toString())
                .header(HttpHeaders.SET_COOKIE, spent.toString())
                .build();
    }

    @Operation(summary = "The guest's project: its effective documents")
    @GetMapping("/api/v1/portal/documents")
    @Public
    Page<SharedDocuments.Listed> documents(HttpServletRequest request, @RequestParam(required = false) Integer limit,
                                           @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        return reads.list(cookie(request, SESSION), request.getHeader(HttpHeaders.USER_AGENT), page);
    }

    @Operation(summary = "One effective document of the guest's project")
    @GetMapping("/api/v1/portal/documents/{documentId}")
    @Public
    SharedDocuments.Shared document(HttpServletRequest request, @PathVariable UUID documentId) {
        return reads.one(cookie(request, SESSION), request.getHeader(HttpHeaders.USER_AGENT), documentId);
    }

    /**
     * A link that cannot sign in (unknown, malformed, used, expired, or its guest's access ended, all alike): 401, as a
     * page for a browser (which asks for HTML) and as a problem for any other client, like every other error answer.
     */
    private static ResponseEntity<String> invalidLink(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/html")) {
            throw new RefusedException(401, "magic-link-invalid", "Link not valid",
                    "The link is unknown, used, expired, or access has ended; ask for a new one.");
        }
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(HTML).body(MagicPage.invalid(PageNonce.of(request)));
    }

    /** The page's anti-CSRF field: bound to the browser (its form cookie) and to the link it was rendered for. */
    static String csrfFor(String form, String token) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Tokens.hash("guest-form\n" + form + "\n" + token));
    }

    private static String randomValue() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Not marked {@code Sec-Fetch-Site: cross-site}, and with an {@code Origin} (else a {@code Referer}) that is the
     * configured public origin or the origin this request addresses. Neither header: refused (every current browser
     * sends {@code Origin} on a form POST).
     */
    private boolean fromOwnOrigin(HttpServletRequest request) {
        if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
            return false;
        }
        String claimed = request.getHeader(HttpHeaders.ORIGIN);
        String origin = origin(claimed != null ? claimed : request.getHeader(HttpHeaders.REFERER));
        if (origin == null) {
            return false;
        }
        String own = origin(request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort());
        return origin.equals(origin(publicOrigin.toString())) || origin.equals(own);
    }

    /** {@code scheme://host:port}, lower case with the default port filled in; null when it is no http(s) origin. */
    static String origin(String value) {
        if (value == null || value.isBlank() || value.equals("null")) {
            return null;
        }
        try {
            URI uri = new URI(value.strip());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                return null;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException malformed) {
            return null;
        }
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                return cookie.getValue();
            }
        }
        return null;
    }
}
