package dev.bulwark.identity;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Organisations and members: 404 for outsiders, 403 for roles without the permission, step-up, the last owner. */
class MembersTest extends IntegrationTest {

    private UUID org;
    private Person owner;
    private Person admin;
    private Person member;
    private Person viewer;

    @BeforeEach
    void anOrganisationWithFourRoles() throws SQLException {
        String ownerEmail = uniqueEmail();
        JsonNode created = signUp(ownerEmail);
        org = UUID.fromString(created.get("organisationId").asString());
        owner = signIn(ownerEmail, UUID.fromString(created.get("userId").asString()));
        admin = joined("ADMIN");
        member = joined("MEMBER");
        viewer = joined("VIEWER");
    }

    @Test
    void membersReadTheOrganisationAndOutsidersFindNothing() {
        HttpResponse<String> read = get("/api/v1/orgs/" + org, auth(viewer));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(body(read).get("id").asString()).isEqualTo(org.toString());
        assertThat(body(read).has("createdAt")).isTrue();

        Person outsider = outsider();
        assertThat(get("/api/v1/orgs/" + org, auth(outsider)).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/orgs/" + org + "/members", auth(outsider)).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/orgs/" + UUID.randomUUID(), auth(owner)).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/orgs/" + org).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/orgs/not-a-uuid", auth(owner)).statusCode()).isEqualTo(400);
    }

    @Test
    void membersAreListedWithEmailNameAndRole() {
        JsonNode members = body(get("/api/v1/orgs/" + org + "/members", auth(member)));
        assertThat(members.get("items")).hasSize(4);
        assertThat(members.get("nextCursor").isNull()).isTrue();
        JsonNode first = members.get("items").get(0);
        assertThat(first.get("userId").asString()).isEqualTo(owner.id().toString());
        assertThat(first.get("email").asString()).isEqualTo(owner.email());
        assertThat(first.get("role").asString()).isEqualTo("OWNER");
        assertThat(first.has("name")).isTrue();
    }

    @Test
    void membersArePagedByCursorAndBadPagingIs400() {
        String base = "/api/v1/orgs/" + org + "/members";
        JsonNode first = body(get(base + "?limit=3", auth(viewer)));
        assertThat(first.get("items")).hasSize(3);
        String cursor = first.get("nextCursor").asString();
        assertThat(cursor).isNotBlank();
        JsonNode second = body(get(base + "?limit=3&cursor=" + cursor, auth(viewer)));
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        java.util.Set<String> seen = new java.util.HashSet<>();
        first.get("items").forEach(m -> seen.add(m.get("userId").asString()));
        second.get("items").forEach(m -> seen.add(m.get("userId").asString()));
        assertThat(seen).containsExactlyInAnyOrder(owner.id().toString(), admin.id().toString(), member.id().toString(),
                viewer.id().toString());
        for (String bad : new String[] {"?limit=0", "?limit=201", "?limit=x", "?cursor=not-a-cursor",
                "?cursor=%27%20OR%201%3D1%20--", "?cursor=" + java.util.Base64.getUrlEncoder().encodeToString("v1:1:zz".getBytes())}) {
            assertThat(get(base + bad, auth(viewer)).statusCode()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void anAdminChangesARoleAndItTakesEffectOnTheNextRequest() throws SQLException {
        HttpResponse<String> changed = patchRole(admin, member.id(), "VIEWER");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(body(changed).get("role").asString()).isEqualTo("VIEWER");
        assertThat(eventsOfType(org, "member.role_changed")).isEqualTo(1);

        // Demote the admin: their very next management request is refused.
        assertThat(patchRole(owner, admin.id(), "MEMBER").statusCode()).isEqualTo(200);
        assertThat(patchRole(admin, viewer.id(), "MEMBER").statusCode()).isEqualTo(403);
    }

    @Test
    void rolesWithoutTheManagePermissionAre403() {
        assertThat(patchRole(member, viewer.id(), "MEMBER").statusCode()).isEqualTo(403);
        assertThat(patchRole(viewer, member.id(), "VIEWER").statusCode()).isEqualTo(403);
        assertThat(delete(member, viewer.id()).statusCode()).isEqualTo(403);
    }

    @Test
    void onlyOwnersTouchOwnerRoles() {
        assertThat(patchRole(admin, member.id(), "OWNER").statusCode()).isEqualTo(403);
        assertThat(patchRole(admin, owner.id(), "MEMBER").statusCode()).isEqualTo(403);
        assertThat(delete(admin, owner.id()).statusCode()).isEqualTo(403);
        assertThat(patchRole(owner, member.id(), "OWNER").statusCode()).isEqualTo(200);
    }

    @Test
    void theLastOwnerCannotBeDemotedOrLeave() {
        HttpResponse<String> demote = patchRole(owner, owner.id(), "ADMIN");
        assertThat(demote.statusCode()).isEqualTo(409);
        assertThat(delete(owner, owner.id()).statusCode()).isEqualTo(409);
        // With a second owner, the first may step down.
        assertThat(patchRole(owner, admin.id(), "OWNER").statusCode()).isEqualTo(200);
        assertThat(patchRole(owner, owner.id(), "ADMIN").statusCode()).isEqualTo(200);
    }

    @Test
    void roleChangeWithoutARecentFactorNeedsStepUp() throws SQLException {
        ageFactor(admin);
        HttpResponse<String> refused = patchRole(admin, member.id(), "VIEWER");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(body(refused).get("type").asString()).endsWith("/step-up-required");
        assertThat(roleOf(member)).isEqualTo("MEMBER");

        HttpResponse<String> wrong = stepUp(admin, "not-my-password-at-all");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(patchRole(admin, member.id(), "VIEWER").statusCode()).isEqualTo(401);

        assertThat(stepUp(admin, STRONG_PASSWORD).statusCode()).isEqualTo(204);
        assertThat(patchRole(admin, member.id(), "VIEWER").statusCode()).isEqualTo(200);
    }

    @Test
    void aRemovedMemberLosesTheOrganisationAtOnceButStillSignsIn() {
        assertThat(delete(admin, member.id()).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/orgs/" + org, auth(member)).statusCode()).isEqualTo(404);
        HttpResponse<String> me = get("/api/v1/me", auth(member));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(roleOf(member)).as("no membership in the organisation any more").isNull();
        assertThat(body(me).get("memberships")).hasSize(1); // their own organisation from signup remains
        assertThat(delete(admin, member.id()).statusCode()).isEqualTo(404);
    }

    @Test
    void aViewerMayLeave() {
        assertThat(delete(viewer, viewer.id()).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/orgs/" + org, auth(viewer)).statusCode()).isEqualTo(404);
    }

    @Test
    void anotherOrganisationsMembersAreNotFound() {
        Person otherOwner = outsider();
        UUID otherOrg = UUID.fromString(body(get("/api/v1/me", auth(otherOwner))).get("memberships").get(0)
                .get("organisationId").asString());
        // Through our org's path: not a member here.
        assertThat(patchRole(owner, otherOwner.id(), "VIEWER").statusCode()).isEqualTo(404);
        assertThat(delete(owner, otherOwner.id()).statusCode()).isEqualTo(404);
        // Through their org's path: not our org.
        assertThat(send(patch("/api/v1/orgs/" + otherOrg + "/members/" + otherOwner.id(), owner, "{\"role\":\"VIEWER\"}"))
                .statusCode()).isEqualTo(404);
        assertThat(body(get("/api/v1/me", auth(otherOwner))).get("memberships").get(0).get("role").asString()).isEqualTo("OWNER");
    }

    @Test
    void badRoleChangesAre400AndChangeNothing() {
        for (String body : new String[] {"{\"role\":\"ROOT\"}", "{\"role\":null}", "{}", "{\"role\":\"VIEWER\",\"x\":1}",
                "{\"role\":\"'; DROP TABLE memberships;--\"}"}) {
            assertThat(send(patch("/api/v1/orgs/" + org + "/members/" + member.id(), owner, body)).statusCode()).as(body).isEqualTo(400);
        }
        assertThat(roleOf(member)).isEqualTo("MEMBER");
    }

    // --- helpers




    private static String[] auth(Person p) {
        return p.auth();
    }

    private Person joined(String role) {
        return joined(org, role);
    }

    private HttpRequest patch(String path, Person as, String json) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", auth(as)[1]).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> patchRole(Person as, UUID userId, String role) {
        return send(patch("/api/v1/orgs/" + org + "/members/" + userId, as, "{\"role\":\"" + role + "\"}"));
    }

    private HttpResponse<String> delete(Person as, UUID userId) {
        return send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + org + "/members/" + userId)).header("Authorization", auth(as)[1])
                .DELETE().build());
    }

    private HttpResponse<String> stepUp(Person as, String password) {
        return send(HttpRequest.newBuilder(uri("/api/v1/auth/step-up")).header("Authorization", auth(as)[1])
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("password", password)))).build());
    }

    private static void ageFactor(Person p) throws SQLException {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '11 minutes' WHERE user_id = ?")) {
            ps.setObject(1, p.id());
            ps.executeUpdate();
        }
    }

    private String roleOf(Person p) {
        JsonNode me = body(get("/api/v1/me", auth(p)));
        for (JsonNode m : me.get("memberships")) {
            if (m.get("organisationId").asString().equals(org.toString())) {
                return m.get("role").asString();
            }
        }
        return null;
    }
}
