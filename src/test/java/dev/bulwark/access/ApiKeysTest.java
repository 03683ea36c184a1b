package dev.bulwark.access;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.shared.Tokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys as least-privilege principals: shown once and stored hashed, revocable at once, expiring, capped by
 * their creator's live role, optionally confined to one project, never acting as a person, reportable when leaked.
 */
class ApiKeysTest extends IntegrationTest {

    private Tenant tenant;
    private UUID project;

    @BeforeEach
    void anOrganisationWithAProject() {
        tenant = newTenant();
        project = UUID.fromString(body(call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(),
                "{\"name\":\"Scoped\"}")).get("id").asString());
    }

    private String keys() {
        return "/api/v1/orgs/" + tenant.id() + "/api-keys";
    }

    private JsonNode createKey(Person as, String body) {
        HttpResponse<String> response = call("POST", keys(), as, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return body(response);
    }

    private static String[] key(JsonNode created) {
        return new String[] {"Authorization", "Bearer " + created.get("key").asString()};
    }

    private HttpResponse<String> as(String[] key, String method, String path, String body) {
        return call(method, path, null, body, body == null ? key : new String[] {key[0], key[1], "Content-Type", "application/json"});
    }

    @Test
    void aCreatedKeyWorksAndIsShownOnlyOnceAndStoredOnlyAsItsHash() throws SQLException {
        JsonNode created = createKey(tenant.owner(), "{\"name\":\"CI\",\"role\":\"MEMBER\"}");
        String secret = created.get("key").asString();
        assertThat(secret).matches("bwk_[0-9A-Za-z]{38}");
        assertThat(created.get("prefix").asString()).isEqualTo(secret.substring(0, 12));
        assertThat(created.get("role").asString()).isEqualTo("MEMBER");

        HttpResponse<String> used = as(key(created), "GET", "/api/v1/orgs/" + tenant.id() + "/projects", null);
        assertThat(used.statusCode()).isEqualTo(200);
        assertThat(as(key(created), "POST", "/api/v1/orgs/" + tenant.id() + "/contacts", "{\"name\":\"By key\"}").statusCode())
                .isEqualTo(201);

        String list = call("GET", keys(), tenant.owner(), null).body();
        assertThat(list).contains(created.get("id").asString(), created.get("prefix").asString()).doesNotContain(secret);
        assertThat(list).doesNotContainIgnoringCase("hash");
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark.api_key_index WHERE key_hash = ?")) {
            ps.setBytes(1, Tokens.hash(secret));
            var rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        try (Connection c = connectAs("postgres");
             var rs = c.createStatement().executeQuery("SELECT api_keys::text FROM bulwark.api_keys")) {
            while (rs.next()) {
                assertThat(rs.getString(1)).doesNotContain(secret.substring(12));
            }
        }
    }

    @Test
    void creationRevocationAndLeakReportsAreRecordedWithoutTheKey() throws SQLException {
        JsonNode created = createKey(tenant.owner(), "{\"name\":\"audited\",\"role\":\"VIEWER\"}");
        String id = created.get("id").asString();
        assertThat(eventsOfType(tenant.id(), "apikey.created")).isEqualTo(1);
        assertThat(call("DELETE", keys() + "/" + id, tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(eventsOfType(tenant.id(), "apikey.revoked")).isEqualTo(1);
        JsonNode leaked = createKey(tenant.owner(), "{\"name\":\"leaked\",\"role\":\"VIEWER\"}");
        call("POST", "/api/v1/api-keys/report-leak", null, "{\"key\":\"" + leaked.get("key").asString() + "\"}");
        assertThat(eventsOfType(tenant.id(), "apikey.leak_reported")).isEqualTo(1);
        Map<String, Object> creation = auditEvents(tenant.id(), "apikey.created").getFirst();
        assertThat(creation.get("actor_type")).isEqualTo("user");
        assertThat(creation.get("actor_id")).isEqualTo(tenant.owner().id());
        assertThat(creation.get("entity_id")).isEqualTo(id);
        assertThat((String) creation.get("after")).contains("\"role\":\"VIEWER\"").doesNotContain(created.get("key").asString());
        Map<String, Object> leak = auditEvents(tenant.id(), "apikey.leak_reported").getFirst();
        assertThat(leak.get("actor_type")).isEqualTo("anonymous");
        assertThat((String) leak.get("after")).contains("\"revoked\":true").doesNotContain(leaked.get("key").asString());
    }

    @Test
    void aRevokedKeyAnswers401OnItsVeryNextUse() {
        JsonNode created = createKey(tenant.owner(), "{\"name\":\"revoke me\",\"role\":\"VIEWER\"}");
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        assertThat(as(key(created), "GET", path, null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", keys() + "/" + created.get("id").asString(), tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(as(key(created), "GET", path, null).statusCode()).isEqualTo(401);
        JsonNode listed = body(call("GET", keys(), tenant.owner(), null)).get("items").get(0);
        assertThat(listed.get("revokedAt").isNull()).isFalse();
        assertThat(call("DELETE", keys() + "/" + UUID.randomUUID(), tenant.owner(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void anExpiredKeyAnswers401AndExpiryMustBeInTheFutureAndWithinTheOrganisationsCap() throws SQLException {
        JsonNode created = createKey(tenant.owner(), "{\"name\":\"short\",\"role\":\"VIEWER\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}");
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        assertThat(as(key(created), "GET", path, null).statusCode()).isEqualTo(200);
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.api_keys SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(created.get("id").asString()));
            ps.executeUpdate();
        }
        assertThat(as(key(created), "GET", path, null).statusCode()).isEqualTo(401);

        assertThat(call("POST", keys(), tenant.owner(), "{\"name\":\"past\",\"role\":\"VIEWER\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
                .statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/v1/orgs/" + tenant.id() + "/security-policy", tenant.owner(),
                "{\"requireMfa\":false,\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":600,\"apiKeyMaxLifetimeDays\":30}")
                .statusCode()).isEqualTo(200);
        assertThat(call("POST", keys(), tenant.owner(), "{\"name\":\"long\",\"role\":\"VIEWER\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}")
                .statusCode()).isEqualTo(400);
        JsonNode capped = createKey(tenant.owner(), "{\"name\":\"default\",\"role\":\"VIEWER\"}");
        assertThat(java.time.Instant.parse(capped.get("expiresAt").asString()))
                .isBetween(java.time.Instant.now().plus(java.time.Duration.ofDays(29)), java.time.Instant.now().plus(java.time.Duration.ofDays(31)));
    }

    @Test
    void aKeysRightsShrinkWhenItsCreatorIsDemotedAndEndWhenTheCreatorIsRemoved() {
        Person admin = joined(tenant.id(), "ADMIN");
        Person someone = joined(tenant.id(), "MEMBER");
        JsonNode created = createKey(admin, "{\"name\":\"admin key\",\"role\":\"ADMIN\"}");
        String member = "/api/v1/orgs/" + tenant.id() + "/members/" + someone.id();
        assertThat(as(key(created), "PATCH", member, "{\"role\":\"VIEWER\"}").statusCode()).as("keys need no step-up").isEqualTo(200);

        assertThat(call("PATCH", "/api/v1/orgs/" + tenant.id() + "/members/" + admin.id(), tenant.owner(), "{\"role\":\"VIEWER\"}")
                .statusCode()).isEqualTo(200);
        assertThat(as(key(created), "PATCH", member, "{\"role\":\"MEMBER\"}").statusCode()).isEqualTo(403);
        assertThat(as(key(created), "GET", "/api/v1/orgs/" + tenant.id() + "/members", null).statusCode()).isEqualTo(200);

        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/members/" + admin.id(), tenant.owner(), null).statusCode())
                .isEqualTo(204);
        assertThat(as(key(created), "GET", "/api/v1/orgs/" + tenant.id() + "/members", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aKeyIsNeverAboveItsCreatorAndNeverCreatesKeysOrActsAsAPerson() {
        Person admin = joined(tenant.id(), "ADMIN");
        assertThat(call("POST", keys(), admin, "{\"name\":\"too high\",\"role\":\"OWNER\"}").statusCode()).isEqualTo(403);
        JsonNode ownerKey = createKey(tenant.owner(), "{\"name\":\"owner key\",\"role\":\"OWNER\"}");
        assertThat(as(key(ownerKey), "POST", keys(), "{\"name\":\"child\",\"role\":\"VIEWER\"}").statusCode()).isEqualTo(403);
        for (String personal : new String[] {"/api/v1/me", "/api/v1/me/sessions"}) {
            assertThat(as(key(ownerKey), "GET", personal, null).statusCode()).as(personal).isEqualTo(403);
        }
        assertThat(as(key(ownerKey), "POST", "/api/v1/me/mfa/totp", "{}").statusCode()).isEqualTo(403);
        assertThat(as(key(ownerKey), "POST", "/api/v1/me/password", "{\"currentPassword\":\"x\",\"newPassword\":\"y\"}").statusCode())
                .isEqualTo(403);

        // An ADMIN key of an OWNER cannot touch owners, though its creator could.
        JsonNode adminKey = createKey(tenant.owner(), "{\"name\":\"admin key\",\"role\":\"ADMIN\"}");
        assertThat(as(key(adminKey), "PATCH", "/api/v1/orgs/" + tenant.id() + "/members/" + admin.id(), "{\"role\":\"OWNER\"}")
                .statusCode()).isEqualTo(403);
        assertThat(as(key(adminKey), "DELETE", "/api/v1/orgs/" + tenant.id() + "/members/" + tenant.owner().id(), null)
                .statusCode()).isEqualTo(403);
    }

    @Test
    void aProjectScopedKeyReachesOnlyItsProjectAndItsDocuments() {
        UUID other = UUID.fromString(body(call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(),
                "{\"name\":\"Other\"}")).get("id").asString());
        JsonNode scoped = createKey(tenant.owner(), "{\"name\":\"scoped\",\"role\":\"MEMBER\",\"projectId\":\"" + project + "\"}");
        assertThat(scoped.get("projectId").asString()).isEqualTo(project.toString());
        String org = "/api/v1/orgs/" + tenant.id();
        assertThat(as(key(scoped), "GET", org + "/projects/" + project, null).statusCode()).isEqualTo(200);
        assertThat(as(key(scoped), "POST", org + "/projects/" + project + "/documents", "{\"title\":\"t\"}").statusCode()).isEqualTo(201);
        assertThat(as(key(scoped), "GET", org + "/projects/" + project + "/documents", null).statusCode()).isEqualTo(200);
        for (String elsewhere : new String[] {org, org + "/projects", org + "/projects/" + other, org + "/projects/" + other + "/documents",
                org + "/contacts", org + "/members", org + "/security-policy"}) {
            assertThat(as(key(scoped), "GET", elsewhere, null).statusCode()).as(elsewhere).isEqualTo(404);
        }
        assertThat(call("POST", keys(), tenant.owner(), "{\"name\":\"x\",\"role\":\"VIEWER\",\"projectId\":\"" + UUID.randomUUID() + "\"}")
                .statusCode()).isEqualTo(400);

        // The key goes with its project.
        assertThat(call("DELETE", org + "/projects/" + project, tenant.owner(), null).statusCode()).isEqualTo(204);
        assertThat(as(key(scoped), "GET", org + "/projects/" + project, null).statusCode()).isEqualTo(401);
    }

    @Test
    void anotherOrganisationsKeyFindsNothingHere() {
        Tenant other = newTenant();
        JsonNode theirs = createKeyIn(other);
        assertThat(as(key(theirs), "GET", "/api/v1/orgs/" + tenant.id() + "/projects", null).statusCode()).isEqualTo(404);
        assertThat(as(key(theirs), "GET", "/api/v1/orgs/" + tenant.id() + "/projects/" + project, null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/orgs/" + tenant.id() + "/api-keys/" + theirs.get("id").asString(), tenant.owner(), null)
                .statusCode()).isEqualTo(404);
        assertThat(as(key(theirs), "GET", "/api/v1/orgs/" + other.id() + "/projects", null).statusCode()).isEqualTo(200);
    }

    private JsonNode createKeyIn(Tenant other) {
        HttpResponse<String> response = call("POST", "/api/v1/orgs/" + other.id() + "/api-keys", other.owner(),
                "{\"name\":\"theirs\",\"role\":\"OWNER\"}");
        assertThat(response.statusCode()).isEqualTo(201);
        return body(response);
    }

    @Test
    void forgedAndMalformedKeysAre401() {
        JsonNode created = createKey(tenant.owner(), "{\"name\":\"real\",\"role\":\"VIEWER\"}");
        String secret = created.get("key").asString();
        char last = secret.charAt(secret.length() - 1);
        String badChecksum = secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a');
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        for (String forged : new String[] {badChecksum, "bwk_short", "bwk_" + "A".repeat(38), secret + "x",
                Tokens.issue(Tokens.Type.API_KEY).value(), Tokens.issue(Tokens.Type.REFRESH).value()}) {
            assertThat(as(new String[] {"Authorization", "Bearer " + forged}, "GET", path, null).statusCode()).as(forged).isEqualTo(401);
        }
        assertThat(Tokens.wellFormed(Tokens.Type.API_KEY, badChecksum)).as("refused without a lookup").isFalse();
    }

    @Test
    void aReportedLeakRevokesTheKeyAndTheAnswerNeverTellsWhetherItWasLive() {
        JsonNode created = createKey(tenant.owner(), "{\"name\":\"leaked\",\"role\":\"VIEWER\"}");
        String path = "/api/v1/orgs/" + tenant.id() + "/projects";
        HttpResponse<String> report = call("POST", "/api/v1/api-keys/report-leak", null,
                "{\"key\":\"" + created.get("key").asString() + "\"}");
        assertThat(report.statusCode()).isEqualTo(202);
        assertThat(as(key(created), "GET", path, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/api-keys/report-leak", null, "{\"key\":\"bwk_nonsense\"}").statusCode()).isEqualTo(202);
        assertThat(call("POST", "/api/v1/api-keys/report-leak", null, "{\"key\":\"" + created.get("key").asString() + "\"}")
                .statusCode()).isEqualTo(202);
        assertThat(call("POST", "/api/v1/api-keys/report-leak", null, "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void creatingAKeyNeedsPermissionStepUpAndValidInput() throws SQLException {
        Person member = joined(tenant.id(), "MEMBER");
        assertThat(call("POST", keys(), member, "{\"name\":\"x\",\"role\":\"VIEWER\"}").statusCode()).isEqualTo(403);
        assertThat(call("GET", keys(), member, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", keys(), outsider(), "{\"name\":\"x\",\"role\":\"VIEWER\"}").statusCode()).isEqualTo(404);
        for (String bad : new String[] {"{\"role\":\"VIEWER\"}", "{\"name\":\"x\"}", "{\"name\":\"x\",\"role\":\"ROOT\"}",
                "{\"name\":\"x\",\"role\":\"VIEWER\",\"key\":\"bwk_mine\"}", "{\"name\":\"" + "n".repeat(201) + "\",\"role\":\"VIEWER\"}"}) {
            assertThat(call("POST", keys(), tenant.owner(), bad).statusCode()).as(bad).isEqualTo(400);
        }
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '11 minutes' WHERE user_id = ?")) {
            ps.setObject(1, tenant.owner().id());
            ps.executeUpdate();
        }
        HttpResponse<String> stale = call("POST", keys(), tenant.owner(), "{\"name\":\"x\",\"role\":\"VIEWER\"}");
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(body(stale).get("type").asString()).endsWith("/step-up-required");
    }
}
