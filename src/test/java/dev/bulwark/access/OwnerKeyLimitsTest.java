package dev.bulwark.access;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.keys.internal.LocalKms;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As docs/api.md says: an API key with the OWNER role — a leaked CI secret, say — never grants or removes the owner
 * role, never invites an owner, never changes the security policy or the organisation's keys, never creates keys and
 * never changes factors. Each attempt answers a 403 problem and changes nothing; the same calls by the human owner,
 * with a fresh factor, still work.
 */
class OwnerKeyLimitsTest extends IntegrationTest {

    private static final String POLICY = "{\"requireMfa\":false,\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":300}";

    private Tenant tenant;
    private Person admin;
    private Person secondOwner;
    private String[] ownerKey;
    private String kmsUri;

    /** An organisation with an admin, a second owner, an OWNER-role key of the first owner, and a KMS key to offer. */
    @BeforeEach
    void anOrganisationWithAnOwnerKey() throws Exception {
        tenant = newTenant();
        admin = joined(tenant.id(), "ADMIN");
        secondOwner = joined(tenant.id(), "OWNER");
        HttpResponse<String> created = call("POST", org() + "/api-keys", tenant.owner(), "{\"name\":\"ci\",\"role\":\"OWNER\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        ownerKey = new String[] {"Authorization", "Bearer " + body(created).get("key").asString()};
        kmsUri = new LocalKms(LOCAL_KMS_DIR).create("owner-key-" + UUID.randomUUID().toString().substring(0, 8));
        // The key's first use records when it was last used; done here so the snapshots below compare only the attempts.
        assertThat(asKey("GET", org() + "/members", null).statusCode()).isEqualTo(200);
    }

    private String org() {
        return "/api/v1/orgs/" + tenant.id();
    }

    private HttpResponse<String> asKey(String method, String path, String body) {
        return call(method, path, null, body, ownerKey);
    }

    /** Each owner-level change, as {method, path, body}: what the key is refused and the human owner may do. */
    private List<String[]> ownerLevelChanges() {
        return List.of(
                new String[] {"PATCH", org() + "/members/" + admin.id(), "{\"role\":\"OWNER\"}"},
                new String[] {"PATCH", org() + "/members/" + secondOwner.id(), "{\"role\":\"ADMIN\"}"},
                new String[] {"DELETE", org() + "/members/" + secondOwner.id(), null},
                new String[] {"POST", org() + "/invitations", "{\"email\":\"" + uniqueEmail() + "\",\"role\":\"OWNER\"}"},
                new String[] {"PUT", org() + "/security-policy", POLICY},
                new String[] {"POST", org() + "/keys/rotate", null},
                new String[] {"PUT", org() + "/keys/kms", "{\"keyUri\":\"" + kmsUri + "\"}"},
                new String[] {"DELETE", org() + "/keys/kms", null});
    }

    @Test
    void anOwnerKeyIsRefusedEveryOwnerLevelChangeAndNothingChanges() throws Exception {
        List<String> before = tenantRows(tenant.id());
        JsonNode policy = body(call("GET", org() + "/security-policy", tenant.owner(), null));
        for (String[] change : ownerLevelChanges()) {
            HttpResponse<String> refused = asKey(change[0], change[1], change[2]);
            assertThat(refused.statusCode()).as("%s %s: %s", change[0], change[1], refused.body()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(tenantRows(tenant.id())).as("no role, invitation, policy, key or event changed").isEqualTo(before);
        assertThat(eventsOfType(tenant.id(), "member.invited")).isZero();
        assertThat(body(call("GET", org() + "/security-policy", tenant.owner(), null))).isEqualTo(policy);
        JsonNode members = body(call("GET", org() + "/members", tenant.owner(), null)).get("items");
        assertThat(members.valueStream().map(m -> m.get("role").asString()).sorted().toList())
                .containsExactly("ADMIN", "OWNER", "OWNER");
    }

    @Test
    void anOwnerKeyNeverCreatesKeysOrChangesFactors() throws Exception {
        List<String> before = tenantRows(tenant.id());
        for (String[] personal : new String[][] {
                {"POST", org() + "/api-keys", "{\"name\":\"child\",\"role\":\"VIEWER\"}"},
                {"POST", "/api/v1/me/mfa/totp", "{}"},
                {"POST", "/api/v1/me/mfa/totp/confirm", "{\"code\":\"123456\"}"},
                {"POST", "/api/v1/me/passkeys/registration-options", "{}"},
                {"POST", "/api/v1/me/password", "{\"currentPassword\":\"" + STRONG_PASSWORD + "\",\"newPassword\":\"x\"}"},
                {"POST", "/api/v1/auth/step-up", "{\"password\":\"" + STRONG_PASSWORD + "\"}"}}) {
            HttpResponse<String> refused = asKey(personal[0], personal[1], personal[2]);
            assertThat(refused.statusCode()).as("%s %s: %s", personal[0], personal[1], refused.body()).isEqualTo(403);
        }
        assertThat(tenantRows(tenant.id())).isEqualTo(before);
    }

    /** The rule is narrow: the same key still manages members below owner, as an ADMIN could. */
    @Test
    void anOwnerKeyStillManagesMembersBelowOwner() {
        Person member = joined(tenant.id(), "MEMBER");
        assertThat(asKey("PATCH", org() + "/members/" + member.id(), "{\"role\":\"VIEWER\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> invited = asKey("POST", org() + "/invitations", "{\"email\":\"" + uniqueEmail() + "\",\"role\":\"ADMIN\"}");
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
        assertThat(asKey("DELETE", org() + "/members/" + member.id(), null).statusCode()).isEqualTo(204);
    }

    @Test
    void theHumanOwnerWithAFreshFactorMakesEveryOneOfTheseChanges() throws Exception {
        // Signing in counts as a verified factor (docs/api.md): the owner signed in moments ago.
        int[] expected = {200, 200, 204, 201, 200, 202, 200, 200};
        List<String[]> changes = ownerLevelChanges();
        for (int i = 0; i < changes.size(); i++) {
            String[] change = changes.get(i);
            HttpResponse<String> done = call(change[0], change[1], tenant.owner(), change[2]);
            assertThat(done.statusCode()).as("%s %s: %s", change[0], change[1], done.body()).isEqualTo(expected[i]);
        }
        assertThat(eventsOfType(tenant.id(), "member.invited")).isEqualTo(1);
        assertThat(eventsOfType(tenant.id(), "org.policy.updated")).isEqualTo(1);
        assertThat(eventsOfType(tenant.id(), "org.keys.rotated")).isEqualTo(1);
        JsonNode members = body(call("GET", org() + "/members", tenant.owner(), null)).get("items");
        assertThat(members.valueStream().map(m -> m.get("userId").asString() + " " + m.get("role").asString()).toList())
                .containsExactlyInAnyOrder(tenant.owner().id() + " OWNER", admin.id() + " OWNER");
        assertThat(body(call("GET", org() + "/security-policy", tenant.owner(), null)).get("stepUpWindowSeconds").asInt())
                .isEqualTo(300);
    }
}
