package dev.bulwark.identity;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-account-takeover ("pre-hijacking") class and its neighbours, each played as an attacker would: an account
 * signed up first with someone else's address, invitations whose tokens or inviters cannot be trusted, look-alike
 * addresses, stale reset tokens.
 */
class AccountTakeoverTest extends IntegrationTest {

    private static final String NEW_PASSWORD = "harbor-lilac-sextant-58-quill";

    @Test
    void anAttackerWhoSignsUpFirstWithTheVictimsAddressLosesEverythingWhenTheOwnerResets() throws Exception {
        String victim = uniqueEmail();
        // The attacker signs up with the victim's address, which nobody has proven.
        JsonNode planted = signUp(victim);
        UUID org = UUID.fromString(planted.get("organisationId").asString());
        Person attacker = signIn(victim, UUID.fromString(planted.get("userId").asString()));

        // They try to plant a second factor and a passkey, which would lock the owner out: refused.
        HttpResponse<String> totp = call("POST", "/api/v1/me/mfa/totp", attacker, "{}");
        assertThat(totp.statusCode()).isEqualTo(403);
        assertThat(body(totp).get("type").asString()).isEqualTo("https://bulwark.dev/problems/email-unverified");
        HttpResponse<String> passkey = call("POST", "/api/v1/me/passkeys/registration-options", attacker, "{}");
        assertThat(passkey.statusCode()).isEqualTo(403);
        assertThat(body(passkey).get("type").asString()).endsWith("/email-unverified");
        // They keep a way back in: a second session, and an API key of the organisation they made.
        JsonNode secondSession = login(victim);
        HttpResponse<String> key = call("POST", "/api/v1/orgs/" + org + "/api-keys", attacker, """
                {"name":"backdoor","role":"ADMIN"}""");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        String apiKey = body(key).get("key").asString();
        assertThat(get("/api/v1/orgs/" + org, "Authorization", "Bearer " + apiKey).statusCode()).isEqualTo(200);

        // The owner resets through the mailbox: the token goes to the stored address.
        assertThat(postJson("/api/v1/auth/password-reset", Map.of("email", victim)).statusCode()).isEqualTo(202);
        String token = mailedTo(victim, "(bwp_[0-9A-Za-z]{38})");
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", token, "newPassword", NEW_PASSWORD))
                .statusCode()).isEqualTo(204);

        // Every way the attacker had is dead.
        assertThat(get("/api/v1/me", attacker.auth()).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", bearer(secondSession)).statusCode()).isEqualTo(401);
        assertThat(postJson("/api/v1/auth/refresh", Map.of("refreshToken", secondSession.get("refreshToken").asString())).statusCode())
                .isEqualTo(401);
        assertThat(get("/api/v1/orgs/" + org, "Authorization", "Bearer " + apiKey).statusCode()).isEqualTo(401);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", victim, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(401);

        // The owner signs in with the password alone: no factor the attacker set stands in the way.
        HttpResponse<String> owner = postJson("/api/v1/auth/login", Map.of("email", victim, "password", NEW_PASSWORD));
        assertThat(owner.statusCode()).isEqualTo(200);
        assertThat(body(owner).has("mfaRequired")).isFalse();
        JsonNode me = body(get("/api/v1/me", bearer(body(owner))));
        assertThat(me.get("emailVerified").asBoolean()).as("the mailed token proved the address").isTrue();
        assertThat(me.get("mfaEnabled").asBoolean()).isFalse();
        // Now proven, the owner may add their own factor.
        HttpResponse<String> enrol = send(java.net.http.HttpRequest.newBuilder(uri("/api/v1/me/mfa/totp"))
                .headers(bearer(body(owner))).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(enrol.statusCode()).as(enrol.body()).isEqualTo(200);
    }

    @Test
    void aFactorPlantedBeforeTheRuleIsRemovedWhenTheOwnerTakesTheAccountBack() throws Exception {
        String victim = uniqueEmail();
        UUID userId = UUID.fromString(signUp(victim).get("userId").asString());
        // An authenticator enrolled on the unproven account before enrolment needed a verified address (a fixture).
        sql("INSERT INTO bulwark.totp_factors (user_id, secret, created_at, confirmed_at) VALUES (?, 'JBSWY3DPEHPK3PXP', now(), now())",
                userId);
        assertThat(body(postJson("/api/v1/auth/login", Map.of("email", victim, "password", STRONG_PASSWORD))).has("mfaRequired")).isTrue();

        postJson("/api/v1/auth/password-reset", Map.of("email", victim));
        String token = mailedTo(victim, "(bwp_[0-9A-Za-z]{38})");
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", token, "newPassword", NEW_PASSWORD))
                .statusCode()).isEqualTo(204);

        HttpResponse<String> owner = postJson("/api/v1/auth/login", Map.of("email", victim, "password", NEW_PASSWORD));
        assertThat(body(owner).has("accessToken")).as(owner.body()).isTrue();
        assertThat(count("SELECT count(*) FROM bulwark.totp_factors WHERE user_id = ?", userId)).isZero();
    }

    @Test
    void aVerifiedAccountKeepsItsFactorsThroughAReset() throws Exception {
        String email = uniqueEmail();
        UUID userId = UUID.fromString(signUp(email).get("userId").asString());
        verifyEmail(email);
        sql("INSERT INTO bulwark.totp_factors (user_id, secret, created_at, confirmed_at) VALUES (?, 'JBSWY3DPEHPK3PXP', now(), now())",
                userId);
        postJson("/api/v1/auth/password-reset", Map.of("email", email));
        String token = mailedTo(email, "(bwp_[0-9A-Za-z]{38})");
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", token, "newPassword", NEW_PASSWORD))
                .statusCode()).isEqualTo(204);
        assertThat(body(postJson("/api/v1/auth/login", Map.of("email", email, "password", NEW_PASSWORD))).has("mfaRequired"))
                .as("a reset never bypasses the owner's own second factor").isTrue();
    }

    @Test
    void aNewerResetTokenRetiresTheOlderOne() throws Exception {
        String email = signedUp();
        postJson("/api/v1/auth/password-reset", Map.of("email", email));
        String first = mailedTo(email, "(bwp_[0-9A-Za-z]{38})");
        postJson("/api/v1/auth/password-reset", Map.of("email", email));
        String second = awaitAnother(email, "(bwp_[0-9A-Za-z]{38})", first);
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", first, "newPassword", NEW_PASSWORD))
                .statusCode()).isEqualTo(404);
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", second, "newPassword", NEW_PASSWORD))
                .statusCode()).isEqualTo(204);
    }

    @Test
    void aLookAlikeAddressNeverSignsUpAndMailOnlyEverGoesToTheStoredAddress() throws Exception {
        String local = "kate" + UUID.randomUUID().toString().substring(0, 8);
        String real = local + "@example.com";
        signUp(real);
        // U+212A KELVIN SIGN is canonically the letter K: the same address (and so the same account) as "Kate…".
        String kelvin = "\u212A" + local.substring(1) + "@example.com";
        // U+FF4B FULLWIDTH K only looks like k: another address, but one that a person cannot tell apart.
        String fullwidth = "\uFF4B" + local.substring(1) + "@example.com";
        String upper = local.toUpperCase() + "@Example.COM";
        for (String lookalike : List.of(kelvin, fullwidth, upper)) {
            assertThat(postJson("/api/v1/signup", Map.of("email", lookalike, "password", STRONG_PASSWORD, "name", "Mallory",
                    "organisationName", "Look-alike")).statusCode()).as(lookalike).isEqualTo(409);
        }

        // Resets asked in any spelling: the one that is the account's address mails the address stored with the
        // account, never the spelling typed; the one that only looks like it finds no account.
        for (String asked : List.of(kelvin, fullwidth, upper)) {
            assertThat(postJson("/api/v1/auth/password-reset", Map.of("email", asked)).statusCode()).isEqualTo(202);
        }
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (mailFilesMentioning("Reset your Bulwark password", real).size() < 2) {
            assertThat(System.nanoTime()).as("two reset mails to the stored address").isLessThan(deadline);
            Thread.sleep(50);
        }
        // The outbox works in order: the fullwidth request, queued between the two, was resolved before the second mail.
        assertThat(mailFilesMentioning("Reset your Bulwark password", real)).hasSize(2);
        assertThat(mailFilesMentioning(local.substring(1) + "@", null))
                .as("every mail went to the stored address")
                .allSatisfy(f -> assertThat(Files.readString(f)).contains("To: " + real));
        assertThat(mailFilesMentioning(local.toUpperCase(), null)).isEmpty();
        // Signing in with the fullwidth look-alike is a wrong address, not the account.
        assertThat(postJson("/api/v1/auth/login", Map.of("email", fullwidth, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(401);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", kelvin, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void internationalisedDomainsCompareAsDnsDoes() {
        String local = "u" + UUID.randomUUID().toString().substring(0, 8);
        signUp(local + "@b\u00FCcher.example");
        assertThat(postJson("/api/v1/auth/login", Map.of("email", local + "@xn--bcher-kva.example", "password", STRONG_PASSWORD))
                .statusCode()).as("the IDNA form is the same domain").isEqualTo(200);
        assertThat(postJson("/api/v1/signup", Map.of("email", local + "@B\u00DCCHER.example", "password", STRONG_PASSWORD,
                "name", "Again", "organisationName", "Again")).statusCode()).isEqualTo(409);
        HttpResponse<String> invalid = postJson("/api/v1/signup", Map.of("email", local + "@exa_mple.com", "password", STRONG_PASSWORD,
                "name", "Bad", "organisationName", "Bad"));
        assertThat(invalid.statusCode()).isEqualTo(400);
    }

    @Test
    void pendingInvitationsAreListedWithoutTokensAndRevokedOnesStopWorking() throws Exception {
        Tenant tenant = newTenant();
        String invitee = uniqueEmail();
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/invitations", tenant.owner(), """
                {"email":"%s","role":"MEMBER"}""".formatted(invitee));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("bwi_").doesNotContain("token");
        String id = body(created).get("id").asString();
        String token = mailedTo(invitee, "(bwi_[0-9A-Za-z]{38})");

        HttpResponse<String> listed = call("GET", "/api/v1/orgs/" + tenant.id() + "/invitations", tenant.owner(), null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain("bwi_");
        JsonNode items = body(listed).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("id").asString()).isEqualTo(id);
        assertThat(items.get(0).get("email").asString()).isEqualTo(invitee);
        assertThat(items.get(0).get("role").asString()).isEqualTo("MEMBER");
        assertThat(items.get(0).get("invitedBy").asString()).isEqualTo(tenant.owner().id().toString());
        assertThat(items.get(0).has("expiresAt")).isTrue();
        assertThat(body(listed).has("nextCursor")).isTrue();

        // Others cannot see or revoke it: another org's owner (404), a viewer of this org (403).
        Tenant other = newTenant();
        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/invitations/" + id, other.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/orgs/" + other.id() + "/invitations/" + id, other.owner(), null).statusCode())
                .as("another org's invitation id").isEqualTo(404);
        assertThat(call("GET", "/api/v1/orgs/" + tenant.id() + "/invitations", other.owner(), null).statusCode()).isEqualTo(404);
        Person viewer = joined(tenant.id(), "VIEWER");
        assertThat(call("GET", "/api/v1/orgs/" + tenant.id() + "/invitations", viewer, null).statusCode()).isEqualTo(403);
        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/invitations/" + id, viewer, null).statusCode()).isEqualTo(403);
        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/invitations/not-a-uuid", tenant.owner(), null).statusCode())
                .isEqualTo(400);

        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/invitations/" + id, tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/invitations/" + id, tenant.owner(), null).statusCode()).isEqualTo(404);
        assertThat(body(call("GET", "/api/v1/orgs/" + tenant.id() + "/invitations", tenant.owner(), null)).get("items")).isEmpty();
        HttpResponse<String> late = postJson("/api/v1/signup", Map.of("email", invitee, "password", STRONG_PASSWORD, "name", "Late",
                "invitationToken", token));
        assertThat(late.statusCode()).as("a revoked token stops working at once").isEqualTo(400);
        assertThat(eventsOfType(tenant.id(), "member.invitation_revoked")).isEqualTo(1);
    }

    @Test
    void anInvitationIsVoidOnceItsInviterCouldNoLongerGrantItsRole() throws Exception {
        Tenant tenant = newTenant();
        Person admin = joined(tenant.id(), "ADMIN");
        String invitee = uniqueEmail();
        assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/invitations", admin, """
                {"email":"%s","role":"ADMIN"}""".formatted(invitee)).statusCode()).isEqualTo(201);
        String token = mailedTo(invitee, "(bwi_[0-9A-Za-z]{38})");
        String demotedInvitee = uniqueEmail();
        assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/invitations", admin, """
                {"email":"%s","role":"MEMBER"}""".formatted(demotedInvitee)).statusCode()).isEqualTo(201);
        String demotedToken = mailedTo(demotedInvitee, "(bwi_[0-9A-Za-z]{38})");

        // The admin loses the right to grant roles: both invitations are void, by signup or by accepting.
        sql("UPDATE bulwark.memberships SET role = 'MEMBER' WHERE tenant_id = ? AND user_id = ?", tenant.id(), admin.id());
        HttpResponse<String> refused = postJson("/api/v1/signup", Map.of("email", invitee, "password", STRONG_PASSWORD,
                "name", "Invitee", "invitationToken", token));
        assertThat(refused.statusCode()).isEqualTo(410);
        assertThat(body(refused).get("type").asString()).isEqualTo("https://bulwark.dev/problems/invitation-void");
        signUp(demotedInvitee);
        HttpResponse<String> accepted = call("POST", "/api/v1/invitations/accept", signIn(demotedInvitee, null),
                json.writeValueAsString(Map.of("token", demotedToken)));
        assertThat(accepted.statusCode()).isEqualTo(410);
        assertThat(count("SELECT count(*) FROM bulwark.memberships WHERE tenant_id = ?", tenant.id())).as("nobody joined").isEqualTo(2);

        // Removed altogether: still void.
        sql("DELETE FROM bulwark.memberships WHERE tenant_id = ? AND user_id = ?", tenant.id(), admin.id());
        assertThat(postJson("/api/v1/signup", Map.of("email", invitee, "password", STRONG_PASSWORD, "name", "Invitee",
                "invitationToken", token)).statusCode()).isEqualTo(410);

        // An owner's invitation stays good while the owner may grant it.
        String kept = uniqueEmail();
        call("POST", "/api/v1/orgs/" + tenant.id() + "/invitations", tenant.owner(), """
                {"email":"%s","role":"ADMIN"}""".formatted(kept));
        HttpResponse<String> joinedByOwner = postJson("/api/v1/signup", Map.of("email", kept, "password", STRONG_PASSWORD,
                "name", "Kept", "invitationToken", mailedTo(kept, "(bwi_[0-9A-Za-z]{38})")));
        assertThat(joinedByOwner.statusCode()).as(joinedByOwner.body()).isEqualTo(201);
    }

    // --- helpers

    private String awaitAnother(String to, String regex, String previous) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            String latest = mailedTo(to, regex);
            if (!latest.equals(previous)) {
                return latest;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no second mail to " + to);
    }

    /** The finished mails that contain {@code text} and, when given, {@code and}. */
    private static List<Path> mailFilesMentioning(String text, String and) throws Exception {
        try (var files = Files.list(DATA_DIR.resolve("mail"))) {
            // Only finished mails: the outbox writes a .tmp file and renames it.
            return files.filter(f -> f.toString().endsWith(".eml")).filter(f -> {
                try {
                    String mail = Files.readString(f);
                    return mail.contains(text) && (and == null || mail.contains(and));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static void sql(String sql, Object... params) throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static long count(String sql, Object... params) throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
