package dev.bulwark.identity;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.bulwark.IntegrationTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Everything identity mails, received by a real SMTP server in this JVM: invitations, verification, reset, notices. */
class InvitationsAndMailTest extends IntegrationTest {

    private static final GreenMail SMTP = startSmtp();

    private static GreenMail startSmtp() {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        return smtp;
    }

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
    }

    private String ownerEmail;
    private UUID org;
    private JsonNode owner;

    @BeforeEach
    void anOrganisation() {
        ownerEmail = uniqueEmail();
        org = UUID.fromString(signUp(ownerEmail).get("organisationId").asString());
        owner = login(ownerEmail);
    }

    @Test
    void inviteReceiveAcceptAndNeverAgain() throws Exception {
        String inviteeEmail = uniqueEmail();
        signUp(inviteeEmail);
        JsonNode invitee = login(inviteeEmail);

        HttpResponse<String> created = invite(owner, inviteeEmail, "MEMBER");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode invitation = body(created);
        String token = invitation.get("token").asString();
        assertThat(token).matches("bwi_[0-9A-Za-z]{38}");
        assertThat(invitation.get("role").asString()).isEqualTo("MEMBER");
        assertThat(invitation.has("expiresAt")).isTrue();
        assertThat(mailTo(inviteeEmail)).contains(token);

        // Another signed-in user cannot use it.
        JsonNode stranger = login(signedUp());
        assertThat(accept(stranger, token).statusCode()).isEqualTo(403);

        HttpResponse<String> accepted = accept(invitee, token);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(body(accepted).get("organisationId").asString()).isEqualTo(org.toString());
        assertThat(body(accepted).get("role").asString()).isEqualTo("MEMBER");
        assertThat(get("/api/v1/orgs/" + org, bearer(invitee)).statusCode()).isEqualTo(200);
        assertThat(accept(invitee, token).statusCode()).as("single use").isEqualTo(404);
        assertThat(eventsOfType(org, "member.invited")).isEqualTo(1);
        assertThat(eventsOfType(org, "member.joined")).isEqualTo(1);
    }

    @Test
    void expiredOrForgedInvitationsAreRefused() throws SQLException {
        String inviteeEmail = signedUp();
        String token = body(invite(owner, inviteeEmail, "VIEWER")).get("token").asString();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.invitations SET expires_at = now() - interval '1 second' WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            ps.executeUpdate();
        }
        JsonNode invitee = login(inviteeEmail);
        assertThat(accept(invitee, token).statusCode()).isEqualTo(404);
        assertThat(accept(invitee, "bwi_" + "x".repeat(38)).statusCode()).isEqualTo(404);
        assertThat(accept(invitee, "' OR 1=1 --").statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/invitations/accept")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build()).statusCode()).isEqualTo(401);
    }

    @Test
    void invitingNeedsManageMembersAndOwnersInviteOwners() {
        String adminEmail = uniqueEmail();
        signUp(adminEmail);
        JsonNode adminLogin = login(adminEmail);
        String token = body(invite(owner, adminEmail, "ADMIN")).get("token").asString();
        assertThat(accept(adminLogin, token).statusCode()).isEqualTo(200);
        assertThat(invite(adminLogin, uniqueEmail(), "OWNER").statusCode()).isEqualTo(403);
        assertThat(invite(adminLogin, uniqueEmail(), "MEMBER").statusCode()).isEqualTo(201);
        JsonNode outsider = login(signedUp());
        assertThat(invite(outsider, uniqueEmail(), "MEMBER").statusCode()).isEqualTo(404);
        assertThat(invite(owner, "not-an-email", "MEMBER").statusCode()).isEqualTo(400);
        assertThat(invite(owner, uniqueEmail(), "ROOT").statusCode()).isEqualTo(400);
    }

    @Test
    void signupByInvitationJoinsWithTheRoleAndCreatesNoOrganisation() throws Exception {
        String inviteeEmail = uniqueEmail();
        String token = body(invite(owner, inviteeEmail, "AUDITOR")).get("token").asString();
        HttpResponse<String> wrongEmail = postJson("/api/v1/signup", Map.of("email", uniqueEmail(), "password", STRONG_PASSWORD,
                "name", "Wrong", "invitationToken", token));
        assertThat(wrongEmail.statusCode()).isEqualTo(400);
        HttpResponse<String> both = postJson("/api/v1/signup", Map.of("email", inviteeEmail, "password", STRONG_PASSWORD,
                "name", "Both", "invitationToken", token, "organisationName", "Extra"));
        assertThat(both.statusCode()).isEqualTo(400);

        HttpResponse<String> joined = postJson("/api/v1/signup", Map.of("email", inviteeEmail, "password", STRONG_PASSWORD,
                "name", "Invited", "invitationToken", token));
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
        assertThat(body(joined).get("organisationId").asString()).isEqualTo(org.toString());
        JsonNode me = body(get("/api/v1/me", bearer(login(inviteeEmail))));
        assertThat(me.get("memberships")).hasSize(1);
        assertThat(me.get("memberships").get(0).get("role").asString()).isEqualTo("AUDITOR");
        assertThat(me.get("emailVerified").asBoolean()).as("the invitation reached this address").isTrue();
        assertThat(postJson("/api/v1/signup", Map.of("email", uniqueEmail(), "password", STRONG_PASSWORD, "name", "Again",
                "invitationToken", token)).statusCode()).isEqualTo(400);
    }

    @Test
    void aUserRemovedFromEveryOrganisationStillSignsInAndSeesNone() {
        String email = uniqueEmail();
        String token = body(invite(owner, email, "MEMBER")).get("token").asString();
        JsonNode joined = body(postJson("/api/v1/signup", Map.of("email", email, "password", STRONG_PASSWORD, "name", "Only",
                "invitationToken", token)));
        JsonNode member = login(email);
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + org + "/members/" + joined.get("userId").asString()))
                .header("Authorization", bearer(owner)[1]).DELETE().build()).statusCode()).isEqualTo(204);
        HttpResponse<String> me = get("/api/v1/me", bearer(member));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(body(me).get("memberships")).isEmpty();
        assertThat(get("/api/v1/orgs/" + org, bearer(member)).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/orgs/" + org + "/members", bearer(member)).statusCode()).isEqualTo(404);
    }

    @Test
    void signupMailsAVerificationLinkThatWorksOnce() throws Exception {
        String email = signedUp();
        Matcher link = Pattern.compile("(/api/v1/auth/verify-email\\?token=bwv_[0-9A-Za-z]{38})").matcher(mailTo(email));
        assertThat(link.find()).isTrue();
        assertThat(body(get("/api/v1/me", bearer(login(email)))).get("emailVerified").asBoolean()).isFalse();
        assertThat(get(link.group(1)).statusCode()).isEqualTo(200);
        assertThat(body(get("/api/v1/me", bearer(login(email)))).get("emailVerified").asBoolean()).isTrue();
        assertThat(get(link.group(1)).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/auth/verify-email?token=bwv_nope").statusCode()).isEqualTo(404);
    }

    @Test
    void passwordResetByMailedTokenEndsEverySessionAndWorksOnce() throws Exception {
        String email = signedUp();
        JsonNode session = login(email);
        assertThat(postJson("/api/v1/auth/password-reset", Map.of("email", uniqueEmail())).statusCode())
                .as("unknown emails answer alike").isEqualTo(202);
        assertThat(postJson("/api/v1/auth/password-reset", Map.of("email", email)).statusCode()).isEqualTo(202);
        Matcher token = Pattern.compile("(bwp_[0-9A-Za-z]{38})").matcher(mailTo(email));
        assertThat(token.find()).isTrue();

        String newPassword = "amber-quartz-harbor-91-meadow";
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", token.group(1), "newPassword", "password1234"))
                .statusCode()).as("the policy applies").isEqualTo(400);
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", token.group(1), "newPassword", newPassword))
                .statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", bearer(session)).statusCode()).isEqualTo(401);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)).statusCode()).isEqualTo(401);
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", newPassword)).statusCode()).isEqualTo(200);
        assertThat(postJson("/api/v1/auth/password-reset/confirm", Map.of("token", token.group(1), "newPassword", newPassword + "x"))
                .statusCode()).isEqualTo(404);
    }

    @Test
    void changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions() throws Exception {
        String email = signedUp();
        JsonNode here = login(email);
        JsonNode elsewhere = login(email);
        String newPassword = "cobalt-fern-lattice-77-summit";
        assertThat(changePassword(here, "wrong-current-password", newPassword).statusCode()).isEqualTo(401);
        assertThat(changePassword(here, STRONG_PASSWORD, "short").statusCode()).isEqualTo(400);
        assertThat(changePassword(here, STRONG_PASSWORD, newPassword).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", bearer(here)).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/me", bearer(elsewhere)).statusCode()).isEqualTo(401);
        assertThat(mailTo(email)).contains("password was just changed");
    }

    @Test
    void aLockoutIsToldToTheUserByMail() throws Exception {
        String email = signedUp();
        for (int i = 0; i < 5; i++) {
            postJson("/api/v1/auth/login", Map.of("email", email, "password", "wrong-password-" + i));
        }
        assertThat(mailTo(email)).contains("sign-in is paused");
    }

    // --- helpers

    private HttpResponse<String> invite(JsonNode as, String email, String role) {
        return authed("/api/v1/orgs/" + org + "/invitations", as, json.writeValueAsString(Map.of("email", email, "role", role)));
    }

    private HttpResponse<String> accept(JsonNode as, String token) {
        return authed("/api/v1/invitations/accept", as, json.writeValueAsString(Map.of("token", token)));
    }

    private HttpResponse<String> changePassword(JsonNode as, String current, String next) {
        return authed("/api/v1/me/password", as, json.writeValueAsString(Map.of("currentPassword", current, "newPassword", next)));
    }

    private HttpResponse<String> authed(String path, JsonNode as, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + as.get("accessToken").asString())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * Every mail received for {@code to} so far, concatenated; waits for the first (mail leaves after commit, through
     * the outbox), up to 30 s: it returns as soon as one is there, and a saturated machine may take seconds.
     */
    private static String mailTo(String to) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            MimeMessage[] received = SMTP.getReceivedMessagesForDomain(to);
            String all = String.join("\n", Arrays.stream(received).map(GreenMailUtil::getBody).toList());
            if (!all.isEmpty() || System.currentTimeMillis() > deadline) {
                return all.replace("=\r\n", "").replace("=3D", "=");
            }
            Thread.sleep(50);
        }
    }
}
