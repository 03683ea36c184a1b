package dev.bulwark.identity.internal;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** An organisation may require MFA and verified emails of its members, and set its own step-up window. */
class OrganisationPolicyTest extends IntegrationTest {

    private UUID org;
    private String ownerEmail;
    private JsonNode owner;
    private UUID memberId;
    private JsonNode member;

    @BeforeEach
    void organisationWithAMember() throws SQLException {
        ownerEmail = uniqueEmail();
        org = UUID.fromString(signUp(ownerEmail).get("organisationId").asString());
        owner = login(ownerEmail);
        String memberEmail = uniqueEmail();
        memberId = UUID.fromString(signUp(memberEmail).get("userId").asString());
        sql("INSERT INTO bulwark.memberships (tenant_id, user_id, role) VALUES (?, ?, 'ADMIN')", org, memberId);
        member = login(memberEmail);
    }

    @Test
    void defaultsAreReadableByMembersAndHiddenFromOthers() {
        JsonNode policy = body(get(path(), bearer(member)));
        assertThat(policy.get("requireMfa").asBoolean()).isFalse();
        assertThat(policy.get("requireVerifiedEmail").asBoolean()).isFalse();
        assertThat(policy.get("stepUpWindowSeconds").asInt()).isEqualTo(600);
        JsonNode outsider = login(signedUp());
        assertThat(get(path(), bearer(outsider)).statusCode()).isEqualTo(404);
        assertThat(put(outsider, policy(false, false, 600)).statusCode()).isEqualTo(404);
    }

    @Test
    void onlyAnOwnerChangesItAndBadValuesAre400() {
        assertThat(put(member, policy(false, true, 600)).statusCode()).isEqualTo(403);
        for (String bad : new String[] {"{\"requireMfa\":false,\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":30}",
                "{\"requireMfa\":false}", "{\"requireMfa\":\"yes\",\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":600}"}) {
            assertThat(put(owner, bad).statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(body(get(path(), bearer(owner))).get("stepUpWindowSeconds").asInt()).isEqualTo(600);
    }

    @Test
    void requiringMfaShutsOutMembersWithoutItButTheyMayLeave() throws Exception {
        assertThat(put(owner, policy(true, false, 600)).statusCode()).as("the owner has no MFA yet").isEqualTo(409);
        verifyEmail(ownerEmail);
        enrolTotp(owner);
        HttpResponse<String> set = put(owner, policy(true, false, 600));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(eventsOfType(org, "org.policy.updated")).isEqualTo(1);

        HttpResponse<String> refused = get("/api/v1/orgs/" + org, bearer(member));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(body(refused).get("detail").asString()).contains("two-factor");
        assertThat(get("/api/v1/orgs/" + org, bearer(owner)).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + org + "/members/" + memberId))
                .header("Authorization", bearer(member)[1]).DELETE().build()).statusCode()).isEqualTo(204);
    }

    @Test
    void requiringVerifiedEmailsShutsOutUnverifiedMembers() throws SQLException {
        assertThat(put(owner, policy(false, true, 600)).statusCode()).isEqualTo(409);
        sql("UPDATE bulwark.users SET email_verified_at = now() WHERE id = ?", userIdOf(ownerEmail));
        assertThat(put(owner, policy(false, true, 600)).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/orgs/" + org, bearer(member)).statusCode()).isEqualTo(403);
        sql("UPDATE bulwark.users SET email_verified_at = now() WHERE id = ?", memberId);
        assertThat(get("/api/v1/orgs/" + org, bearer(member)).statusCode()).isEqualTo(200);
    }

    @Test
    void aShorterStepUpWindowAppliesToTheOrganisationsSensitiveActions() throws SQLException {
        JsonNode another = login(signedUp());
        UUID anotherId = UUID.fromString(body(get("/api/v1/me", bearer(another))).get("id").asString());
        sql("INSERT INTO bulwark.memberships (tenant_id, user_id, role) VALUES (?, ?, 'VIEWER')", org, anotherId);
        sql("UPDATE bulwark.sessions SET factor_verified_at = now() - interval '2 minutes' WHERE user_id = ?", memberId);
        assertThat(patchRole(member, anotherId, "MEMBER").statusCode()).as("2 minutes is within the default 10").isEqualTo(200);

        assertThat(put(owner, policy(false, false, 60)).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = patchRole(member, anotherId, "VIEWER");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(body(refused).get("type").asString()).endsWith("/step-up-required");
    }

    // --- helpers

    private String path() {
        return "/api/v1/orgs/" + org + "/security-policy";
    }

    private static String policy(boolean mfa, boolean verified, int window) {
        return "{\"requireMfa\":" + mfa + ",\"requireVerifiedEmail\":" + verified + ",\"stepUpWindowSeconds\":" + window + "}";
    }

    private HttpResponse<String> put(JsonNode as, String body) {
        return send(HttpRequest.newBuilder(uri(path())).header("Authorization", bearer(as)[1])
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> patchRole(JsonNode as, UUID userId, String role) {
        return send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + org + "/members/" + userId)).header("Authorization", bearer(as)[1])
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"role\":\"" + role + "\"}")).build());
    }

    private void enrolTotp(JsonNode as) {
        String secret = body(send(HttpRequest.newBuilder(uri("/api/v1/me/mfa/totp")).header("Authorization", bearer(as)[1])
                .POST(HttpRequest.BodyPublishers.noBody()).build())).get("secret").asString();
        String code = Totp.code(new Base32().decode(secret), Totp.step(Instant.now()), 6, "HmacSHA1");
        HttpResponse<String> confirmed = send(HttpRequest.newBuilder(uri("/api/v1/me/mfa/totp/confirm")).header("Authorization", bearer(as)[1])
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")).build());
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
    }

    private static void sql(String sql, Object... params) throws SQLException {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
