package dev.bulwark.console.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.bulwark.access.Public;
import dev.bulwark.audit.Audited;
import dev.bulwark.console.internal.Api;
import dev.bulwark.console.internal.Api.Answer;
import dev.bulwark.console.internal.QrSvg;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import dev.bulwark.web.PageNonce;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The console's pages (docs/console.md). Each handler is public as a handler — it holds no power: it renders what the
 * API answers the person ({@link Api}), and each form becomes one API call with the person's session. A form post is
 * admitted by the edge only with the session's anti-CSRF token in {@code _csrf} and a same-origin {@code Origin}
 * (web/internal/CookieSessions). What a role may not do is not shown; the API refuses it anyway.
 */
@Controller
class ConsoleController {

    private static final Pattern BACK = Pattern.compile("/console(/[A-Za-z0-9_/-]{0,200})?");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String CSRF_COOKIE = "__Host-bulwark-csrf";
    private static final List<String> ROLES = List.of("VIEWER", "MEMBER", "AUDITOR", "ADMIN", "OWNER");
    /** What a redirect's {@code ?done=} may announce: anything else is ignored. */
    private static final Map<String, String> DONE = Map.ofEntries(Map.entry("invited", "Invitation sent."),
            Map.entry("invitation-revoked", "Invitation withdrawn."), Map.entry("role-changed", "Role changed."),
            Map.entry("member-removed", "Member removed."), Map.entry("policy-saved", "Security policy saved."),
            Map.entry("key-revoked", "API key revoked."), Map.entry("session-revoked", "Session ended."),
            Map.entry("password-changed", "Password changed; your other sessions ended."),
            Map.entry("stepped-up", "Confirmed: sensitive actions are allowed for a few minutes."),
            Map.entry("retention-saved", "Retention period saved."), Map.entry("legal-hold-saved", "Legal hold saved."),
            Map.entry("rotation-started", "Key rotation started: records are re-encrypted in the background."),
            Map.entry("passkey-added", "Passkey added."),
            Map.entry("ai-policy-saved", "AI policy saved."), Map.entry("ai-key-set", "Provider key saved."),
            Map.entry("ai-key-removed", "Provider key removed."), Map.entry("webhook-saved", "Webhook saved."),
            Map.entry("webhook-deleted", "Webhook deleted."), Map.entry("delivery-retried", "Delivery queued again."),
            Map.entry("sso-saved", "Single sign-on settings saved."), Map.entry("domain-verified", "Domain verified."),
            Map.entry("sso-deleted", "Single sign-on settings deleted."), Map.entry("signed", "Signed."),
            Map.entry("promoted", "The version is now effective."),
            Map.entry("deletion-scheduled", "The organisation's deletion is scheduled: it is disabled from now on."),
            Map.entry("deletion-cancelled", "The deletion is cancelled: the organisation is active again."),
            Map.entry("kms-set", "The organisation's keys are now wrapped by its own KMS key."),
            Map.entry("kms-removed", "The organisation's own KMS key is no longer used: Bulwark's root key wraps its keys."));

    private final Api api;
    private final ObjectMapper json;

    ConsoleController(Api api, ObjectMapper json) {
        this.api = api;
        this.json = json;
    }

    // ---------------------------------------------------------------- signing in and out

    private static final byte[] SCRIPT = script();

    private static byte[] script() {
        try (var in = ConsoleController.class.getResourceAsStream("/console/console.js")) {
            return java.util.Objects.requireNonNull(in, "console.js").readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The console's one script (passkeys), as a file: the pages' CSP lets it run by the nonce on its tag. */
    @io.swagger.v3.oas.annotations.Hidden
    @GetMapping(value = "/console/assets/console.js", produces = "text/javascript")
    @Public
    @org.springframework.web.bind.annotation.ResponseBody
    byte[] consoleScript() {
        return SCRIPT;
    }

    @GetMapping("/")
    @Public
    String root() {
        return seeOther("/console");
    }

    @GetMapping({"/console", "/console/"})
    @Public
    String home(HttpServletRequest request, HttpServletResponse response, Model model, @RequestParam(required = false) String done) {
        if (!signedIn()) {
            return signInPage(request, model, null, null);
        }
        Map<String, Object> me = base(request, response, model, done);
        model.addAttribute("section", "home");
        return me == null ? signInPage(request, model, null, null) : "console/home";
    }

    @GetMapping("/console/sign-in")
    @Public
    String signIn(HttpServletRequest request, Model model) {
        return signedIn() ? seeOther("/console") : signInPage(request, model, null, null);
    }

    @PostMapping("/console/sign-in")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/auth/login) records its own events")
    String signInWithPassword(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
                              HttpServletRequest request, HttpServletResponse response, Model model) {
        Answer answer = api.call(request, response, "POST", "/api/v1/auth/login?session=cookie", Map.of("email", email, "password", password));
        if (answer.ok() && answer.body().path("mfaRequired").asBoolean(false)) {
            model.addAttribute("mfaToken", answer.body().path("mfaToken").asString());
            return signInPage(request, model, null, null);
        }
        return signedInOrError(answer, request, response, model);
    }

    @PostMapping("/console/sign-in/code")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/auth/login/mfa) records its own events")
    String signInWithCode(@RequestParam(defaultValue = "") String mfaToken, @RequestParam(defaultValue = "") String code,
                          HttpServletRequest request, HttpServletResponse response, Model model) {
        Answer answer = api.call(request, response, "POST", "/api/v1/auth/login/mfa?session=cookie", Map.of("mfaToken", mfaToken, "code", code));
        if (!answer.ok() && answer.status() != 401) {
            model.addAttribute("mfaToken", mfaToken);
        }
        return signedInOrError(answer, request, response, model);
    }

    private String signedInOrError(Answer answer, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (answer.ok()) {
            answer.cookies().forEach(c -> response.addHeader(HttpHeaders.SET_COOKIE, c));
            return seeOther("/console");
        }
        response.setStatus(answer.status());
        return signInPage(request, model, answer.message(), null);
    }

    private String signInPage(HttpServletRequest request, Model model, String error, String done) {
        model.addAttribute("nonce", PageNonce.of(request));
        model.addAttribute("error", error);
        model.addAttribute("done", done);
        return "console/sign-in";
    }

    @PostMapping("/console/sign-out")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/auth/logout) records its own events")
    String signOut(HttpServletRequest request, HttpServletResponse response) {
        if (signedIn()) {
            Answer answer = api.call(request, response, "POST", "/api/v1/auth/logout", null);
            answer.cookies().forEach(c -> response.addHeader(HttpHeaders.SET_COOKIE, c));
        }
        return seeOther("/console");
    }

    /** Step-up on its own (before adding a passkey, say): then back to the page it was asked on. */
    @PostMapping("/console/step-up")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/auth/step-up) records its own events")
    String stepUp(@RequestParam(defaultValue = "/console") String back, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        String to = BACK.matcher(back).matches() ? back : "/console";
        Answer answer = stepUpIfAsked(request, response);
        if (answer != null && !answer.ok()) {
            return seeOther(to + "?failed=step-up");
        }
        return seeOther(to + "?done=stepped-up");
    }

    // ---------------------------------------------------------------- account

    @GetMapping("/console/account")
    @Public
    String account(HttpServletRequest request, HttpServletResponse response, Model model, @RequestParam(required = false) String done,
                   @RequestParam(required = false) String failed) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        if ("step-up".equals(failed)) {
            model.addAttribute("error", "The password or code was not accepted.");
        }
        return accountPage(request, response, model, done);
    }

    private String accountPage(HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        if (base(request, response, model, done) == null) {
            return seeOther("/console");
        }
        model.addAttribute("section", "account");
        model.addAttribute("sessions", list(api.get(request, response, "/api/v1/me/sessions")));
        return "console/account";
    }

    @PostMapping("/console/account/sessions/{sessionId}/revoke")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/me/sessions/{sessionId}) records its own events")
    String revokeSession(@PathVariable UUID sessionId, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/account", "session-revoked",
                () -> api.call(request, response, "DELETE", "/api/v1/me/sessions/" + sessionId, null),
                () -> accountPage(request, response, model, null));
    }

    @PostMapping("/console/account/totp")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/me/mfa/totp) records its own events")
    String startTotp(HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Answer answer = stepped(request, response, () -> api.call(request, response, "POST", "/api/v1/me/mfa/totp", null));
        if (answer.ok()) {
            String uri = answer.body().path("otpauthUri").asString();
            model.addAttribute("totpSecret", answer.body().path("secret").asString());
            model.addAttribute("totpQr", QrSvg.dataUri(uri));
            return accountPage(request, response, model, null);
        }
        return refused(answer, request, response, model, "/console/account", () -> accountPage(request, response, model, null));
    }

    @PostMapping("/console/account/totp/confirm")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/me/mfa/totp/confirm) records its own events")
    String confirmTotp(@RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Answer answer = stepped(request, response, () -> api.call(request, response, "POST", "/api/v1/me/mfa/totp/confirm", Map.of("code", code)));
        if (answer.ok()) {
            List<String> codes = new ArrayList<>();
            answer.body().path("recoveryCodes").forEach(c -> codes.add(c.asString()));
            model.addAttribute("recoveryCodes", codes);
            return accountPage(request, response, model, null);
        }
        return refused(answer, request, response, model, "/console/account", () -> accountPage(request, response, model, null));
    }

    @PostMapping("/console/account/password")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/me/password) records its own events")
    String changePassword(@RequestParam(defaultValue = "") String currentPassword, @RequestParam(defaultValue = "") String newPassword,
                          HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/account", "password-changed",
                () -> api.call(request, response, "POST", "/api/v1/me/password", Map.of("currentPassword", currentPassword, "newPassword", newPassword)),
                () -> accountPage(request, response, model, null));
    }

    // ---------------------------------------------------------------- organisation

    @GetMapping("/console/orgs/{orgId}")
    @Public
    String organisation(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model,
                        @RequestParam(required = false) String done, @RequestParam(required = false) String failed) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return orgPage(orgId, request, response, model, done);
    }

    private String orgPage(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "members");
        if (can == null) {
            return notFound(response, model);
        }
        String base = "/api/v1/orgs/" + orgId;
        pageOf(model, "members", api.get(request, response, base + "/members" + cursorQuery(request, "membersCursor")));
        model.addAttribute("policy", map(api.get(request, response, base + "/security-policy")));
        if (can.contains(Permission.MANAGE_MEMBERS)) {
            pageOf(model, "invitations", api.get(request, response, base + "/invitations" + cursorQuery(request, "invitationsCursor")));
        }
        List<String> grantable = can.contains(Permission.MANAGE_OWNERS) ? ROLES : ROLES.stream().filter(r -> !r.equals("OWNER")).toList();
        model.addAttribute("grantable", grantable);
        return "console/organisation";
    }

    @PostMapping("/console/orgs/{orgId}/invitations")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/invitations) records its own events")
    String invite(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String role,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId, "invited",
                () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/invitations", Map.of("email", email, "role", role)),
                () -> orgPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/invitations/{invitationId}/revoke")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/invitations/{invitationId}) records its own events")
    String revokeInvitation(@PathVariable UUID orgId, @PathVariable UUID invitationId, HttpServletRequest request,
                            HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId, "invitation-revoked",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/invitations/" + invitationId, null),
                () -> orgPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/members/{userId}/role")
    @Public
    @Audited(none = "the console's form: the API call it makes (PATCH /api/v1/orgs/{orgId}/members/{userId}) records its own events")
    String changeRole(@PathVariable UUID orgId, @PathVariable UUID userId, @RequestParam(defaultValue = "") String role,
                      HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId, "role-changed",
                () -> api.call(request, response, "PATCH", "/api/v1/orgs/" + orgId + "/members/" + userId, Map.of("role", role)),
                () -> orgPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/members/{userId}/remove")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/members/{userId}) records its own events")
    String removeMember(@PathVariable UUID orgId, @PathVariable UUID userId, HttpServletRequest request, HttpServletResponse response,
                        Model model) {
        return act(request, response, model, "/console/orgs/" + orgId, "member-removed",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/members/" + userId, null),
                () -> orgPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/policy")
    @Public
    @Audited(none = "the console's form: the API call it makes (PUT /api/v1/orgs/{orgId}/security-policy) records its own events")
    String savePolicy(@PathVariable UUID orgId, @RequestParam(defaultValue = "false") boolean requireMfa,
                      @RequestParam(defaultValue = "false") boolean requireVerifiedEmail,
                      @RequestParam(defaultValue = "") String stepUpWindowSeconds, @RequestParam(defaultValue = "") String apiKeyMaxLifetimeDays,
                      HttpServletRequest request, HttpServletResponse response, Model model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requireMfa", requireMfa);
        body.put("requireVerifiedEmail", requireVerifiedEmail);
        body.put("stepUpWindowSeconds", number(stepUpWindowSeconds));
        body.put("apiKeyMaxLifetimeDays", apiKeyMaxLifetimeDays.isBlank() ? null : number(apiKeyMaxLifetimeDays));
        return act(request, response, model, "/console/orgs/" + orgId, "policy-saved",
                () -> api.call(request, response, "PUT", "/api/v1/orgs/" + orgId + "/security-policy", body),
                () -> orgPage(orgId, request, response, model, null));
    }

    // ---------------------------------------------------------------- API keys

    @GetMapping("/console/orgs/{orgId}/api-keys")
    @Public
    String apiKeys(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model,
                   @RequestParam(required = false) String done) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return keysPage(orgId, request, response, model, done);
    }

    private String keysPage(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "api-keys");
        if (can == null) {
            return notFound(response, model);
        }
        if (can.contains(Permission.MANAGE_API_KEYS)) {
            pageOf(model, "keys", api.get(request, response, "/api/v1/orgs/" + orgId + "/api-keys" + cursorQuery(request, "keysCursor")));
        }
        // The roles a key of this person's may have: none holding a permission the person lacks (the API's rule).
        model.addAttribute("keyRoles", ROLES.stream().filter(r -> java.util.Arrays.stream(Permission.values())
                .allMatch(p -> !p.grantedTo(Role.valueOf(r)) || can.contains(p))).toList());
        return "console/api-keys";
    }

    @PostMapping("/console/orgs/{orgId}/api-keys")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/api-keys) records its own events")
    String createKey(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String role,
                     @RequestParam(defaultValue = "") String expiresOn, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        if (!expiresOn.isBlank()) {
            // A date from the form's date field: the key expires at the start of that day, UTC. Anything else is
            // passed on as it is, for the API to refuse.
            body.put("expiresAt", expiresOn.matches("\\d{4}-\\d{2}-\\d{2}") ? expiresOn + "T00:00:00Z" : expiresOn);
        }
        Answer answer = stepped(request, response, () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/api-keys", body));
        if (answer.ok()) {
            // The one answer that shows the key: rendered into this response only (no-store), never kept.
            model.addAttribute("created", map(answer));
            response.setStatus(201);
            return keysPage(orgId, request, response, model, null);
        }
        return refused(answer, request, response, model, "/console/orgs/" + orgId + "/api-keys",
                () -> keysPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/api-keys/{keyId}/revoke")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/api-keys/{keyId}) records its own events")
    String revokeKey(@PathVariable UUID orgId, @PathVariable UUID keyId, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/api-keys", "key-revoked",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/api-keys/" + keyId, null),
                () -> keysPage(orgId, request, response, model, null));
    }

    // ---------------------------------------------------------------- audit

    @GetMapping("/console/orgs/{orgId}/audit")
    @Public
    String audit(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String type, @RequestParam(defaultValue = "") String actorId,
                 @RequestParam(defaultValue = "") String entityId, @RequestParam(defaultValue = "") String from,
                 @RequestParam(defaultValue = "") String to, @RequestParam(defaultValue = "") String cursor,
                 @RequestParam(defaultValue = "false") boolean verify, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Set<Permission> can = inOrg(orgId, request, response, model, null, "audit");
        if (can == null) {
            return notFound(response, model);
        }
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put("type", type);
        filter.put("actorId", actorId);
        filter.put("entityId", entityId);
        filter.put("from", from);
        filter.put("to", to);
        model.addAttribute("filter", filter);
        if (!can.contains(Permission.READ_AUDIT)) {
            return "console/audit";
        }
        StringBuilder query = new StringBuilder("/api/v1/orgs/" + orgId + "/audit?limit=50");
        filter.forEach((k, v) -> {
            if (!v.isBlank()) {
                query.append('&').append(k).append('=').append(UriUtils.encodeQueryParam(v, java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        if (!cursor.isBlank()) {
            query.append("&cursor=").append(UriUtils.encodeQueryParam(cursor, java.nio.charset.StandardCharsets.UTF_8));
        }
        Answer events = api.get(request, response, query.toString());
        if (!events.ok()) {
            model.addAttribute("error", events.message());
            response.setStatus(events.status());
        } else {
            model.addAttribute("events", list(events));
            String next = events.body().path("nextCursor").asString(null);
            if (next != null) {
                Map<String, String> nextQuery = new LinkedHashMap<>(filter);
                nextQuery.put("cursor", next);
                model.addAttribute("nextQuery", nextQuery);
            }
        }
        if (verify) {
            model.addAttribute("verification", map(api.get(request, response, "/api/v1/orgs/" + orgId + "/audit/verify")));
        }
        return "console/audit";
    }

    // ---------------------------------------------------------------- privacy

    @GetMapping("/console/orgs/{orgId}/privacy")
    @Public
    String privacy(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model,
                   @RequestParam(required = false) String done) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return privacyPage(orgId, request, response, model, done);
    }

    private String privacyPage(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "privacy");
        if (can == null) {
            return notFound(response, model);
        }
        // While a deletion is pending the API serves nothing of the organisation but its deletion: the page shows that.
        boolean pending = false;
        if (can.contains(Permission.DELETE_ORGANISATION)) {
            Map<String, Object> deletion = map(api.get(request, response, "/api/v1/orgs/" + orgId + "/deletion"));
            model.addAttribute("deletion", deletion);
            pending = "deletion-pending".equals(deletion.get("status"));
        }
        model.addAttribute("pending", pending);
        model.addAttribute("retention", pending ? List.of() : list(api.get(request, response, "/api/v1/orgs/" + orgId + "/retention-policies")));
        model.addAttribute("legalHold", pending ? Map.of() : map(api.get(request, response, "/api/v1/orgs/" + orgId + "/legal-hold")));
        return "console/privacy";
    }

    @PostMapping("/console/orgs/{orgId}/privacy/deletion")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/deletion) records its own events")
    String requestDeletion(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String confirmName, HttpServletRequest request,
                           HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/privacy", "deletion-scheduled",
                () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/deletion", Map.of("confirmName", confirmName)),
                () -> privacyPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/privacy/deletion/cancel")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/deletion) records its own events")
    String cancelDeletion(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/privacy", "deletion-cancelled",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/deletion", null),
                () -> privacyPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/privacy/access-requests")
    @Public
    @Audited(none = "the console's fallback without script: it calls nothing and changes nothing")
    String accessRequest(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model) {
        // Reached without the page's script only. The API streams an access request's answer (a long answer, spooled
        // off the connection), which an in-process dispatch cannot capture: the script fetches it as a download.
        if (!signedIn()) {
            return seeOther("/console");
        }
        String view = privacyPage(orgId, request, response, model, null);
        model.addAttribute("error", "An access request's answer is a download: this needs JavaScript, or the API "
                + "(POST /api/v1/orgs/{orgId}/privacy/access-requests).");
        return view;
    }

    @PostMapping("/console/orgs/{orgId}/privacy/erasure-requests")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/privacy/erasure-requests) records its own events")
    String erasureRequest(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String email, HttpServletRequest request,
                          HttpServletResponse response, Model model) {
        return subjectRequest(orgId, "erasure", email, request, response, model);
    }

    private String subjectRequest(UUID orgId, String kind, String email, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Answer answer = stepped(request, response,
                () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/privacy/" + kind + "-requests", Map.of("email", email)));
        if (answer.ok()) {
            Map<String, Object> result = map(answer);
            model.addAttribute(kind + "Result", result);
            return privacyPage(orgId, request, response, model, null);
        }
        return refused(answer, request, response, model, "/console/orgs/" + orgId + "/privacy",
                () -> privacyPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/privacy/retention")
    @Public
    @Audited(none = "the console's form: the API call it makes (PUT /api/v1/orgs/{orgId}/retention-policies/{dataClass}) records its own events")
    String saveRetention(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String dataClass,
                         @RequestParam(defaultValue = "") String retentionDays, HttpServletRequest request, HttpServletResponse response, Model model) {
        String path = "/api/v1/orgs/" + orgId + "/retention-policies/" + UriUtils.encodePathSegment(dataClass, java.nio.charset.StandardCharsets.UTF_8);
        return act(request, response, model, "/console/orgs/" + orgId + "/privacy", "retention-saved",
                () -> api.call(request, response, "PUT", path, Map.of("retentionDays", number(retentionDays))),
                () -> privacyPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/privacy/legal-hold")
    @Public
    @Audited(none = "the console's form: the API call it makes (PUT /api/v1/orgs/{orgId}/legal-hold) records its own events")
    String saveLegalHold(@PathVariable UUID orgId, @RequestParam(defaultValue = "false") boolean active,
                         @RequestParam(defaultValue = "") String reason, HttpServletRequest request, HttpServletResponse response, Model model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", active);
        if (!reason.isBlank()) {
            body.put("reason", reason);
        }
        return act(request, response, model, "/console/orgs/" + orgId + "/privacy", "legal-hold-saved",
                () -> api.call(request, response, "PUT", "/api/v1/orgs/" + orgId + "/legal-hold", body),
                () -> privacyPage(orgId, request, response, model, null));
    }

    // ---------------------------------------------------------------- keys

    @GetMapping("/console/orgs/{orgId}/keys")
    @Public
    String keys(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model,
                @RequestParam(required = false) String done) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return orgKeysPage(orgId, request, response, model, done);
    }

    private String orgKeysPage(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "keys");
        if (can == null) {
            return notFound(response, model);
        }
        if (can.contains(Permission.MANAGE_KEYS)) {
            model.addAttribute("keyStatus", map(api.get(request, response, "/api/v1/orgs/" + orgId + "/keys")));
        }
        return "console/keys";
    }

    @PostMapping("/console/orgs/{orgId}/keys/rotate")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/keys/rotate) records its own events")
    String rotate(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/keys", "rotation-started",
                () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/keys/rotate", null),
                () -> orgKeysPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/keys/kms")
    @Public
    @Audited(none = "the console's form: the API call it makes (PUT /api/v1/orgs/{orgId}/keys/kms) records its own events")
    String useKms(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String keyUri, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/keys", "kms-set",
                () -> api.call(request, response, "PUT", "/api/v1/orgs/" + orgId + "/keys/kms", Map.of("keyUri", keyUri)),
                () -> orgKeysPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/keys/kms/remove")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/keys/kms) records its own events")
    String releaseKms(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/keys", "kms-removed",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/keys/kms", null),
                () -> orgKeysPage(orgId, request, response, model, null));
    }

    // ---------------------------------------------------------------- AI policy and usage

    @GetMapping("/console/orgs/{orgId}/ai")
    @Public
    String ai(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String cursor, @RequestParam(defaultValue = "") String decisionsCursor,
              @RequestParam(required = false) String done, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return aiPage(orgId, cursor, decisionsCursor, request, response, model, done);
    }

    private String aiPage(UUID orgId, String cursor, String decisionsCursor, HttpServletRequest request, HttpServletResponse response,
                          Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "ai");
        if (can == null) {
            return notFound(response, model);
        }
        String base = "/api/v1/orgs/" + orgId + "/ai";
        model.addAttribute("aiPolicy", map(api.get(request, response, base + "/policy")));
        model.addAttribute("providers", list(api.get(request, response, base + "/providers")));
        if (can.contains(Permission.READ_AUDIT)) {
            Answer usage = api.get(request, response, base + "/usage?limit=25" + cursorParam("cursor", cursor));
            model.addAttribute("usage", list(usage));
            model.addAttribute("usageNext", usage.ok() ? usage.body().path("nextCursor").asString(null) : null);
            Answer decisions = api.get(request, response, base + "/auto-send-decisions?limit=25" + cursorParam("cursor", decisionsCursor));
            model.addAttribute("decisions", list(decisions));
            model.addAttribute("decisionsNext", decisions.ok() ? decisions.body().path("nextCursor").asString(null) : null);
        }
        return "console/ai";
    }

    /**
     * A list page's query for the page a GET names by {@code parameter} (the API's cursor, passed through as it
     * came: the API checks it); none on a form's post, which re-renders from the first page.
     */
    private static String cursorQuery(HttpServletRequest request, String parameter) {
        String cursor = "GET".equals(request.getMethod()) ? request.getParameter(parameter) : null;
        return cursor == null || cursor.isBlank() ? "" : "?" + cursorParam("cursor", cursor).substring(1);
    }

    /**
     * A list's items as {@code name}, and the cursor of the page after it as {@code name + "Next"} (null on the last);
     * a refusal (a cursor the API does not accept) is shown as the page's error.
     */
    private void pageOf(Model model, String name, Answer answer) {
        if (!answer.ok() && !model.containsAttribute("error")) {
            model.addAttribute("error", answer.message());
        }
        model.addAttribute(name, list(answer));
        model.addAttribute(name + "Next", answer.ok() ? answer.body().path("nextCursor").asString(null) : null);
    }

    private static String cursorParam(String name, String cursor) {
        return cursor.isBlank() ? "" : "&" + name + "=" + UriUtils.encodeQueryParam(cursor, java.nio.charset.StandardCharsets.UTF_8);
    }

    @PostMapping("/console/orgs/{orgId}/ai/policy")
    @Public
    @Audited(none = "the console's form: the API call it makes (PUT /api/v1/orgs/{orgId}/ai/policy) records its own events")
    String saveAiPolicy(@PathVariable UUID orgId, @RequestParam(defaultValue = "false") boolean enabled,
                        @RequestParam(required = false) List<String> providers, @RequestParam(defaultValue = "") String regions,
                        @RequestParam(defaultValue = "") String autoSendThreshold, HttpServletRequest request, HttpServletResponse response,
                        Model model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", enabled);
        body.put("providers", providers == null ? List.of() : providers);
        body.put("regions", words(regions));
        body.put("autoSendThreshold", autoSendThreshold.isBlank() ? null : decimal(autoSendThreshold));
        return act(request, response, model, "/console/orgs/" + orgId + "/ai", "ai-policy-saved",
                () -> api.call(request, response, "PUT", "/api/v1/orgs/" + orgId + "/ai/policy", body),
                () -> aiPage(orgId, "", "", request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/ai/providers/{providerId}/key")
    @Public
    @Audited(none = "the console's form: the API call it makes (PUT /api/v1/orgs/{orgId}/ai/providers/{providerId}/key) records its own events")
    String setAiKey(@PathVariable UUID orgId, @PathVariable String providerId, @RequestParam(defaultValue = "") String apiKey,
                    HttpServletRequest request, HttpServletResponse response, Model model) {
        // The key goes to the API and nowhere else: the page shows only the hint the API answers.
        String path = "/api/v1/orgs/" + orgId + "/ai/providers/" + UriUtils.encodePathSegment(providerId, java.nio.charset.StandardCharsets.UTF_8) + "/key";
        return act(request, response, model, "/console/orgs/" + orgId + "/ai", "ai-key-set",
                () -> api.call(request, response, "PUT", path, Map.of("apiKey", apiKey)),
                () -> aiPage(orgId, "", "", request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/ai/providers/{providerId}/key/remove")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/ai/providers/{providerId}/key) records its own events")
    String removeAiKey(@PathVariable UUID orgId, @PathVariable String providerId, HttpServletRequest request, HttpServletResponse response,
                       Model model) {
        String path = "/api/v1/orgs/" + orgId + "/ai/providers/" + UriUtils.encodePathSegment(providerId, java.nio.charset.StandardCharsets.UTF_8) + "/key";
        return act(request, response, model, "/console/orgs/" + orgId + "/ai", "ai-key-removed",
                () -> api.call(request, response, "DELETE", path, null),
                () -> aiPage(orgId, "", "", request, response, model, null));
    }

    // ---------------------------------------------------------------- webhooks

    @GetMapping("/console/orgs/{orgId}/webhooks")
    @Public
    String webhooks(@PathVariable UUID orgId, @RequestParam(required = false) String done, HttpServletRequest request,
                    HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return webhooksPage(orgId, request, response, model, done);
    }

    private String webhooksPage(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "webhooks");
        if (can == null) {
            return notFound(response, model);
        }
        if (can.contains(Permission.MANAGE_WEBHOOKS)) {
            model.addAttribute("webhooks", list(api.get(request, response, "/api/v1/orgs/" + orgId + "/webhooks")));
        }
        return "console/webhooks";
    }

    @PostMapping("/console/orgs/{orgId}/webhooks")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/webhooks) records its own events")
    String createWebhook(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String url, @RequestParam(defaultValue = "") String events,
                         @RequestParam(defaultValue = "standard") String format, HttpServletRequest request, HttpServletResponse response,
                         Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Map<String, Object> body = Map.of("url", url, "events", words(events), "format", format);
        Answer answer = stepped(request, response, () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/webhooks", body));
        if (answer.ok()) {
            // The one answer besides a rotation that shows the signing secret: rendered into this response only (no-store).
            model.addAttribute("created", map(answer));
            response.setStatus(201);
            return webhooksPage(orgId, request, response, model, null);
        }
        return refused(answer, request, response, model, "/console/orgs/" + orgId + "/webhooks",
                () -> webhooksPage(orgId, request, response, model, null));
    }

    @GetMapping("/console/orgs/{orgId}/webhooks/{webhookId}")
    @Public
    String webhook(@PathVariable UUID orgId, @PathVariable UUID webhookId, @RequestParam(required = false) String done,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return webhookPage(orgId, webhookId, request, response, model, done);
    }

    private String webhookPage(UUID orgId, UUID webhookId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "webhooks");
        if (can == null || !can.contains(Permission.MANAGE_WEBHOOKS)) {
            return notFound(response, model);
        }
        String path = "/api/v1/orgs/" + orgId + "/webhooks/" + webhookId;
        Answer hook = api.get(request, response, path);
        if (!hook.ok()) {
            return notFound(response, model);
        }
        Map<String, Object> webhook = map(hook);
        model.addAttribute("webhook", webhook);
        List<String> events = new ArrayList<>();
        hook.body().path("events").forEach(e -> events.add(e.asString()));
        model.addAttribute("webhookEvents", String.join(", ", events));
        model.addAttribute("deliveries", list(api.get(request, response, path + "/deliveries")));
        return "console/webhook";
    }

    @PostMapping("/console/orgs/{orgId}/webhooks/{webhookId}")
    @Public
    @Audited(none = "the console's form: the API call it makes (PATCH /api/v1/orgs/{orgId}/webhooks/{webhookId}) records its own events")
    String saveWebhook(@PathVariable UUID orgId, @PathVariable UUID webhookId, @RequestParam(defaultValue = "") String url,
                       @RequestParam(defaultValue = "") String events, @RequestParam(defaultValue = "false") boolean enabled,
                       HttpServletRequest request, HttpServletResponse response, Model model) {
        String path = "/api/v1/orgs/" + orgId + "/webhooks/" + webhookId;
        return act(request, response, model, "/console/orgs/" + orgId + "/webhooks/" + webhookId, "webhook-saved", () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            // The URL only when it changes: a new destination needs step-up, the other changes do not.
            Answer current = api.get(request, response, path);
            if (!current.ok()) {
                return current;
            }
            if (!url.equals(current.body().path("url").asString(""))) {
                body.put("url", url);
            }
            body.put("events", words(events));
            body.put("enabled", enabled);
            return api.call(request, response, "PATCH", path, body);
        }, () -> webhookPage(orgId, webhookId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/webhooks/{webhookId}/delete")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/webhooks/{webhookId}) records its own events")
    String deleteWebhook(@PathVariable UUID orgId, @PathVariable UUID webhookId, HttpServletRequest request, HttpServletResponse response,
                         Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/webhooks", "webhook-deleted",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/webhooks/" + webhookId, null),
                () -> webhooksPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/webhooks/{webhookId}/rotate-secret")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/webhooks/{webhookId}/rotate-secret) records its own events")
    String rotateWebhookSecret(@PathVariable UUID orgId, @PathVariable UUID webhookId, HttpServletRequest request, HttpServletResponse response,
                               Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Answer answer = stepped(request, response,
                () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/webhooks/" + webhookId + "/rotate-secret", null));
        if (answer.ok()) {
            // The new secret, in this response only (no-store), never kept.
            model.addAttribute("newSecret", answer.body().path("secret").asString());
            return webhookPage(orgId, webhookId, request, response, model, null);
        }
        return refused(answer, request, response, model, "/console/orgs/" + orgId + "/webhooks/" + webhookId,
                () -> webhookPage(orgId, webhookId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry) records its own events")
    String retryDelivery(@PathVariable UUID orgId, @PathVariable UUID webhookId, @PathVariable UUID deliveryId, HttpServletRequest request,
                         HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/webhooks/" + webhookId, "delivery-retried",
                () -> api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/webhooks/" + webhookId + "/deliveries/" + deliveryId + "/retry", null),
                () -> webhookPage(orgId, webhookId, request, response, model, null));
    }

    /** A form's list (commas, spaces or lines between the items) as the API's JSON array. */
    private static List<String> words(String text) {
        return java.util.Arrays.stream(text.split("[\\s,]+")).filter(w -> !w.isEmpty()).toList();
    }

    /** A form's decimal as the API's JSON number; text that is not one is passed on as text, for the API to refuse. */
    private static Object decimal(String text) {
        try {
            return new java.math.BigDecimal(text.strip());
        } catch (NumberFormatException notANumber) {
            return text;
        }
    }

    // ---------------------------------------------------------------- single sign-on

    @GetMapping("/console/orgs/{orgId}/sso")
    @Public
    String sso(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model,
               @RequestParam(required = false) String done) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return ssoPage(orgId, request, response, model, done);
    }

    private String ssoPage(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "sso");
        if (can == null) {
            return notFound(response, model);
        }
        if (can.contains(Permission.MANAGE_SSO)) {
            Answer settings = api.get(request, response, "/api/v1/orgs/" + orgId + "/sso/oidc");
            if (settings.ok()) {
                Map<String, Object> sso = map(settings);
                List<String> domains = new ArrayList<>();
                settings.body().path("domains").forEach(d -> domains.add(d.path("domain").asString()));
                model.addAttribute("sso", sso);
                model.addAttribute("ssoDomains", String.join("\n", domains));
            }
        }
        model.addAttribute("ssoRoles", List.of("VIEWER", "MEMBER", "AUDITOR", "ADMIN"));
        return "console/sso";
    }

    /**
     * Saves the settings. The form carries the step-up (password, and code with TOTP) itself: the secret is posted once
     * and is never written back into a page, so a refused save shows the refusal, not a second form holding it.
     */
    @PostMapping("/console/orgs/{orgId}/sso")
    @Public
    @Audited(none = "the console's form: the API calls it makes (POST /api/v1/auth/step-up, PUT /api/v1/orgs/{orgId}/sso/oidc) record their own events")
    String saveSso(@PathVariable UUID orgId, @RequestParam(defaultValue = "") String issuer, @RequestParam(defaultValue = "") String clientId,
                   @RequestParam(defaultValue = "") String clientSecret, @RequestParam(defaultValue = "") String domains,
                   @RequestParam(defaultValue = "") String defaultRole, @RequestParam(defaultValue = "false") boolean enforced,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer.strip());
        body.put("clientId", clientId.strip());
        body.put("clientSecret", clientSecret.strip());
        body.put("domains", java.util.Arrays.stream(domains.split("[\\s,]+")).filter(d -> !d.isBlank()).toList());
        body.put("defaultRole", defaultRole);
        body.put("enforced", enforced);
        Answer answer = stepped(request, response, () -> api.call(request, response, "PUT", "/api/v1/orgs/" + orgId + "/sso/oidc", body));
        if (answer.ok()) {
            return seeOther("/console/orgs/" + orgId + "/sso?done=sso-saved");
        }
        String view = ssoPage(orgId, request, response, model, null);
        boolean stepUpFailed = request.getAttribute(STEP_UP_FAILED) != null;
        model.addAttribute("error", stepUpFailed ? "The password or code was not accepted; nothing was saved."
                : answer.stepUpRequired() ? "Saving needs your password (and code): nothing was saved." : answer.message());
        response.setStatus(answer.status());
        return view;
    }

    @PostMapping("/console/orgs/{orgId}/sso/domains/{domain}/verify")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/sso/oidc/domains/{domain}/verify) records its own events")
    String verifyDomain(@PathVariable UUID orgId, @PathVariable String domain, HttpServletRequest request, HttpServletResponse response, Model model) {
        String path = "/api/v1/orgs/" + orgId + "/sso/oidc/domains/" + UriUtils.encodePathSegment(domain, java.nio.charset.StandardCharsets.UTF_8) + "/verify";
        return act(request, response, model, "/console/orgs/" + orgId + "/sso", "domain-verified",
                () -> api.call(request, response, "POST", path, null),
                () -> ssoPage(orgId, request, response, model, null));
    }

    @PostMapping("/console/orgs/{orgId}/sso/delete")
    @Public
    @Audited(none = "the console's form: the API call it makes (DELETE /api/v1/orgs/{orgId}/sso/oidc) records its own events")
    String deleteSso(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(request, response, model, "/console/orgs/" + orgId + "/sso", "sso-deleted",
                () -> api.call(request, response, "DELETE", "/api/v1/orgs/" + orgId + "/sso/oidc", null),
                () -> ssoPage(orgId, request, response, model, null));
    }

    // ---------------------------------------------------------------- documents and signing

    private static final List<String> MEANINGS = List.of("approval", "review", "authorship", "responsibility");

    @GetMapping("/console/orgs/{orgId}/documents")
    @Public
    String documents(@PathVariable UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Set<Permission> can = inOrg(orgId, request, response, model, null, "documents");
        if (can == null) {
            return notFound(response, model);
        }
        List<Map<String, Object>> projects = list(api.get(request, response, "/api/v1/orgs/" + orgId + "/projects"));
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> project : projects) {
            Map<String, Object> withDocuments = new LinkedHashMap<>(project);
            withDocuments.put("documents", list(api.get(request, response,
                    "/api/v1/orgs/" + orgId + "/projects/" + UUID.fromString(project.get("id").toString()) + "/documents")));
            shown.add(withDocuments);
        }
        model.addAttribute("projects", shown);
        return "console/documents";
    }

    @GetMapping("/console/orgs/{orgId}/projects/{projectId}/documents/{documentId}")
    @Public
    String document(@PathVariable UUID orgId, @PathVariable UUID projectId, @PathVariable UUID documentId, HttpServletRequest request,
                    HttpServletResponse response, Model model, @RequestParam(required = false) String done) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        return documentPage(orgId, projectId, documentId, request, response, model, done);
    }

    private String documentPage(UUID orgId, UUID projectId, UUID documentId, HttpServletRequest request, HttpServletResponse response,
                                Model model, String done) {
        Set<Permission> can = inOrg(orgId, request, response, model, done, "documents");
        if (can == null) {
            return notFound(response, model);
        }
        String path = "/api/v1/orgs/" + orgId + "/projects/" + projectId + "/documents/" + documentId;
        Answer document = api.get(request, response, path);
        if (!document.ok()) {
            return notFound(response, model);
        }
        model.addAttribute("document", map(document));
        model.addAttribute("projectId", projectId.toString());
        model.addAttribute("versions", list(api.get(request, response, path + "/versions")));
        model.addAttribute("signatures", list(api.get(request, response, path + "/signatures")));
        model.addAttribute("meanings", MEANINGS);
        return "console/document";
    }

    /** Signs a version: the challenge first ({@code POST …/signatures/challenges}), then the signature with the re-authentication. */
    @PostMapping("/console/orgs/{orgId}/projects/{projectId}/documents/{documentId}/sign")
    @Public
    @Audited(none = "the console's form: the API calls it makes (POST /api/v1/orgs/{orgId}/signatures/challenges, POST /api/v1/orgs/{orgId}/signatures) record their own events")
    String sign(@PathVariable UUID orgId, @PathVariable UUID projectId, @PathVariable UUID documentId,
                @RequestParam(defaultValue = "") String version, @RequestParam(defaultValue = "") String meaning,
                @RequestParam(defaultValue = "") String reason, @RequestParam(defaultValue = "") String password,
                @RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        String page = "/console/orgs/" + orgId + "/projects/" + projectId + "/documents/" + documentId;
        Answer challenge = api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/signatures/challenges",
                Map.of("documentId", documentId.toString(), "version", number(version), "meaning", meaning));
        Answer answer = challenge;
        if (challenge.ok()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("challengeId", challenge.body().path("challengeId").asString());
            body.put("reason", reason);
            if (!password.isEmpty()) {
                body.put("password", password);
            }
            if (!code.isBlank()) {
                body.put("code", code.strip());
            }
            answer = api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/signatures", body);
            if (answer.ok()) {
                return seeOther(page + "?done=signed");
            }
        }
        String view = documentPage(orgId, projectId, documentId, request, response, model, null);
        model.addAttribute("error", signingRefusal(answer));
        response.setStatus(answer.status());
        return view;
    }

    /** A signing refusal in words (docs/signatures.md). */
    private static String signingRefusal(Answer answer) {
        return switch (answer.problem()) {
            case "signature-reauth-required" -> "Signing needs your password and, with an authenticator app, its current code: "
                    + "enter both. Nothing was signed.";
            case "signature-reauth-failed" -> "The password or code was not accepted. Nothing was signed; repeated failures "
                    + "lock signing for 15 minutes.";
            case "challenge-invalid" -> "The signing request expired or was already used. Nothing was signed; try again.";
            default -> answer.status() == 429
                    ? "Signing is locked after repeated failures. Try again " + retryIn(answer.retryAfter()) + ". Nothing was signed."
                    : answer.message();
        };
    }

    private static String retryIn(String retryAfter) {
        try {
            long seconds = Long.parseLong(retryAfter == null ? "" : retryAfter.strip());
            long minutes = (seconds + 59) / 60;
            return "in " + minutes + (minutes == 1 ? " minute" : " minutes") + " (after "
                    + TIME.format(Instant.now().plusSeconds(seconds)) + ")";
        } catch (NumberFormatException noNumber) {
            return "later";
        }
    }

    @PostMapping("/console/orgs/{orgId}/projects/{projectId}/documents/{documentId}/promote")
    @Public
    @Audited(none = "the console's form: the API call it makes (POST /api/v1/orgs/{orgId}/projects/{projectId}/documents/{documentId}/promote) records its own events")
    String promote(@PathVariable UUID orgId, @PathVariable UUID projectId, @PathVariable UUID documentId,
                   @RequestParam(defaultValue = "") String version, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        String page = "/console/orgs/" + orgId + "/projects/" + projectId + "/documents/" + documentId;
        Answer answer = api.call(request, response, "POST", "/api/v1/orgs/" + orgId + "/projects/" + projectId + "/documents/" + documentId + "/promote",
                Map.of("version", number(version)));
        if (answer.ok()) {
            return seeOther(page + "?done=promoted");
        }
        String view = documentPage(orgId, projectId, documentId, request, response, model, null);
        model.addAttribute("error", answer.problem().equals("signatures-required")
                ? "This version cannot become effective yet: it lacks the approval signatures the organisation requires. " + answer.message()
                : answer.message());
        response.setStatus(answer.status());
        return view;
    }

    // ---------------------------------------------------------------- the parts every page shares

    /** A redirect after a form (or to the sign-in): 303, so the browser follows with a GET. */
    private static String seeOther(String to) {
        org.springframework.web.context.request.RequestContextHolder.currentRequestAttributes().setAttribute(
                org.springframework.web.servlet.View.RESPONSE_STATUS_ATTRIBUTE, org.springframework.http.HttpStatus.SEE_OTHER,
                org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        return "redirect:" + to;
    }

    private static boolean signedIn() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Jwt;
    }

    /**
     * Runs a form's API call (after the step-up it carries, if any): on success back to {@code page} with its notice,
     * else the page again with the step-up asked in place, or with the API's refusal and status.
     */
    private String act(HttpServletRequest request, HttpServletResponse response, Model model, String page, String done,
                       Supplier<Answer> call, Supplier<String> render) {
        if (!signedIn()) {
            return seeOther("/console");
        }
        Answer answer = stepped(request, response, call);
        if (answer.ok()) {
            return seeOther(page + "?done=" + done);
        }
        return refused(answer, request, response, model, page, render);
    }

    private String refused(Answer answer, HttpServletRequest request, HttpServletResponse response, Model model, String page,
                           Supplier<String> render) {
        if (answer.stepUpRequired() || "step-up".equals(request.getAttribute(STEP_UP_FAILED))) {
            // Every value of every field (a list of checkboxes included), except a secret the person typed: that is
            // never written back into a page, the step-up form asks for it again.
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            String secretField = null;
            for (Map.Entry<String, String[]> field : request.getParameterMap().entrySet()) {
                String name = field.getKey();
                if (SECRET_FIELDS.containsKey(name)) {
                    secretField = name;
                } else if (!name.equals("_csrf") && !name.startsWith("stepUp")) {
                    for (String value : field.getValue()) {
                        fields.add(Map.entry(name, value));
                    }
                }
            }
            Map<String, Object> stepUp = new LinkedHashMap<>();
            stepUp.put("action", request.getRequestURI());
            stepUp.put("fields", fields);
            stepUp.put("secretField", secretField);
            stepUp.put("secretLabel", secretField == null ? null : SECRET_FIELDS.get(secretField));
            stepUp.put("failed", request.getAttribute(STEP_UP_FAILED) != null);
            model.addAttribute("stepUp", stepUp);
            return render.get();
        }
        String view = render.get();
        model.addAttribute("error", answer.message());
        response.setStatus(answer.status());
        return view;
    }

    /** Form fields holding a secret the person typed, with their label: never rendered back into a page. */
    private static final Map<String, String> SECRET_FIELDS = Map.of("apiKey", "The provider key (again: it is not kept in the page)");

    private static final String STEP_UP_FAILED = ConsoleController.class.getName() + ".stepUpFailed";

    /** The form's call, after the step-up it carries ({@code stepUpPassword}, {@code stepUpCode}) if any. */
    private Answer stepped(HttpServletRequest request, HttpServletResponse response, Supplier<Answer> call) {
        Answer up = stepUpIfAsked(request, response);
        if (up != null && !up.ok()) {
            request.setAttribute(STEP_UP_FAILED, "step-up");
            return up;
        }
        return call.get();
    }

    private Answer stepUpIfAsked(HttpServletRequest request, HttpServletResponse response) {
        String password = request.getParameter("stepUpPassword");
        if (password == null) {
            return null;
        }
        String code = request.getParameter("stepUpCode");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("password", password);
        if (code != null && !code.isBlank()) {
            body.put("code", code.strip());
        }
        return api.call(request, response, "POST", "/api/v1/auth/step-up", body);
    }

    /** The person (from the API), the nonce and the form token; null when the session no longer works. */
    private Map<String, Object> base(HttpServletRequest request, HttpServletResponse response, Model model, String done) {
        Answer me = api.get(request, response, "/api/v1/me");
        if (!me.ok()) {
            return null;
        }
        Map<String, Object> person = map(me);
        model.addAttribute("me", person);
        model.addAttribute("nonce", PageNonce.of(request));
        model.addAttribute("csrf", csrfToken(request));
        model.addAttribute("fmt", FORMAT);
        if (done != null && DONE.containsKey(done)) {
            model.addAttribute("done", DONE.get(done));
        }
        return person;
    }

    /**
     * The page's frame for an organisation of the person's: its membership and the permissions its role holds (which
     * decide the controls shown); null when it is none of theirs.
     */
    private Set<Permission> inOrg(UUID orgId, HttpServletRequest request, HttpServletResponse response, Model model, String done, String section) {
        Map<String, Object> me = base(request, response, model, done);
        if (me == null) {
            return null;
        }
        model.addAttribute("section", section);
        for (JsonNode membership : json.valueToTree(me.get("memberships"))) {
            if (membership.path("organisationId").asString("").equals(orgId.toString())) {
                Role role = Role.valueOf(membership.path("role").asString());
                Set<Permission> can = EnumSet.noneOf(Permission.class);
                Map<String, Boolean> shown = new LinkedHashMap<>();
                for (Permission permission : Permission.values()) {
                    if (permission.grantedTo(role)) {
                        can.add(permission);
                    }
                    shown.put(permission.name(), permission.grantedTo(role));
                }
                model.addAttribute("org", json.treeToValue(membership, Map.class));
                model.addAttribute("orgId", orgId.toString());
                model.addAttribute("role", role.name());
                model.addAttribute("can", shown);
                return can;
            }
        }
        return null;
    }

    private String notFound(HttpServletResponse response, Model model) {
        if (!model.containsAttribute("me")) {
            return seeOther("/console");
        }
        response.setStatus(404);
        model.addAttribute("section", "none");
        return "console/not-found";
    }

    private static String csrfToken(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(CSRF_COOKIE)) {
                    return cookie.getValue();
                }
            }
        }
        return "";
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Answer answer) {
        return answer.ok() && answer.body().isObject() ? json.treeToValue(answer.body(), Map.class) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> list(Answer answer) {
        if (!answer.ok()) {
            return List.of();
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (JsonNode item : answer.items()) {
            items.add(json.treeToValue(item, Map.class));
        }
        return items;
    }

    /** A form's number as the API's JSON number; text that is not one is passed on as text, for the API to refuse. */
    private static Object number(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException notANumber) {
            return text;
        }
    }

    /** Formats for the templates. */
    public static final class Format {
        /** A number of seconds as the largest whole unit it is a multiple of: "30 days", "12 hours", "1 minute". */
        public String span(Object seconds) {
            if (!(seconds instanceof Number n)) {
                return "—";
            }
            long s = n.longValue();
            for (Object[] unit : new Object[][] {{86_400L, "day"}, {3_600L, "hour"}, {60L, "minute"}, {1L, "second"}}) {
                long size = (Long) unit[0];
                if (s >= size && s % size == 0) {
                    long count = s / size;
                    return count + " " + unit[1] + (count == 1 ? "" : "s");
                }
            }
            return s + " seconds";
        }

        /** An RFC 3339 instant as a readable UTC time; anything else as it is. */
        public String time(Object value) {
            if (value == null) {
                return "—";
            }
            try {
                return TIME.format(Instant.parse(value.toString()));
            } catch (java.time.format.DateTimeParseException notAnInstant) {
                return value.toString();
            }
        }
    }

    private static final Format FORMAT = new Format();
}
