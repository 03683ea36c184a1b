package dev.bulwark.workspace;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs/api.md role table on every workspace endpoint, and tenant isolation: another organisation's ids answer 404
 * exactly as ids that do not exist, and nothing of the other organisation changes.
 */
class WorkspaceAccessTest extends WorkspaceFixtures {

    private static final Map<String, Boolean> MAY_WRITE = Map.of(
            "VIEWER", false, "MEMBER", true, "ADMIN", true, "OWNER", true, "AUDITOR", false);

    @Test
    void everyRoleGetsExactlyItsCellsOfTheRoleTable() {
        Tenant tenant = newTenant();
        for (Map.Entry<String, Boolean> role : MAY_WRITE.entrySet()) {
            Person person = role.getKey().equals("OWNER") ? tenant.owner() : joined(tenant.id(), role.getKey());
            Seeded seeded = seed(tenant.id(), tenant.owner());
            for (Endpoint endpoint : ENDPOINTS) {
                boolean allowed = !endpoint.writes() || role.getValue();
                HttpResponse<String> response = call(endpoint.method(), seeded.fill(endpoint.path()), person, endpoint.body());
                assertThat(response.statusCode()).as("%s as %s: %s", endpoint, role.getKey(), response.body())
                        .isEqualTo(allowed ? endpoint.success() : 403);
                if (!allowed) {
                    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                }
            }
        }
    }

    @Test
    void refusedWritesChangeNothing() {
        Tenant tenant = newTenant();
        Person viewer = joined(tenant.id(), "VIEWER");
        Person auditor = joined(tenant.id(), "AUDITOR");
        Seeded seeded = seed(tenant.id(), tenant.owner());
        List<String> before = snapshot(tenant.id());
        for (Endpoint endpoint : ENDPOINTS.stream().filter(Endpoint::writes).toList()) {
            for (Person reader : List.of(viewer, auditor)) {
                assertThat(call(endpoint.method(), seeded.fill(endpoint.path()), reader, endpoint.body()).statusCode())
                        .as("%s", endpoint).isEqualTo(403);
            }
        }
        // Permission is decided before the body is read: a refused caller never learns what the body lacked.
        assertThat(call("POST", seeded.fill(PROJECTS), viewer, "{\"bogus\":1}").statusCode()).isEqualTo(403);
        assertThat(call("POST", seeded.fill(PROJECTS), outsider(), "{\"bogus\":1}").statusCode()).isEqualTo(404);
        assertThat(snapshot(tenant.id())).isEqualTo(before);
    }

    @Test
    void otherTenantsIdsAreNotFoundOnEveryEndpointAndNothingOfTheirsChanges() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        Seeded theirs = seed(a.id(), a.owner());
        Seeded mine = seed(b.id(), b.owner());
        List<String> before = snapshot(a.id());

        for (Endpoint endpoint : ENDPOINTS) {
            // Their organisation in the path: b's owner is not a member of it.
            HttpResponse<String> inTheirOrg = call(endpoint.method(), theirs.fill(endpoint.path()), b.owner(), endpoint.body());
            assertThat(inTheirOrg.statusCode()).as("%s in their org: %s", endpoint, inTheirOrg.body()).isEqualTo(404);
            assertThat(inTheirOrg.body()).doesNotContain("Seed");

            // My organisation in the path, their resource ids: found nowhere, exactly like ids that never existed.
            if (endpoint.path().contains("{project}") || endpoint.path().contains("{contact}")) {
                Seeded crossed = new Seeded(b.id(), theirs.project(), theirs.document(), theirs.contact(), theirs.interaction());
                Seeded invented = new Seeded(b.id(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
                HttpResponse<String> crossedAnswer = call(endpoint.method(), crossed.fill(endpoint.path()), b.owner(), endpoint.body());
                HttpResponse<String> inventedAnswer = call(endpoint.method(), invented.fill(endpoint.path()), b.owner(), endpoint.body());
                assertThat(crossedAnswer.statusCode()).as("%s with their ids: %s", endpoint, crossedAnswer.body()).isEqualTo(404);
                assertThat(inventedAnswer.statusCode()).as("%s with invented ids", endpoint).isEqualTo(404);
                assertThat(body(crossedAnswer).get("detail")).isEqualTo(body(inventedAnswer).get("detail"));
            }
            // My own ids mixed with theirs: a document of their project under my project, an interaction of theirs under my contact.
            if (endpoint.path().contains("{document}") || endpoint.path().contains("{interaction}")) {
                Seeded mixed = new Seeded(b.id(), mine.project(), theirs.document(), mine.contact(), theirs.interaction());
                assertThat(call(endpoint.method(), mixed.fill(endpoint.path()), b.owner(), endpoint.body()).statusCode())
                        .as("%s with my parent and their child", endpoint).isEqualTo(404);
            }
        }
        assertThat(snapshot(a.id())).as("org A after org B's attempts").isEqualTo(before);
    }

    @Test
    void listsAndLookupsShowOnlyTheCallersOrganisation() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        Seeded theirs = seed(a.id(), a.owner());
        seed(b.id(), b.owner());
        for (String list : List.of(PROJECTS, CONTACTS, CONTACTS + "?email=seed@example.com")) {
            String mine = read(list.replace("{org}", b.id().toString()), b.owner()).toString();
            assertThat(mine).doesNotContain(theirs.project().toString(), theirs.contact().toString());
            assertThat(read(list.replace("{org}", b.id().toString()), b.owner()).get("items")).hasSize(1);
        }
    }

    @Test
    void malformedIdsAreRefusedAndAnonymousCallersAreUnauthenticated() {
        Tenant tenant = newTenant();
        Seeded seeded = seed(tenant.id(), tenant.owner());
        for (Endpoint endpoint : ENDPOINTS) {
            assertThat(call(endpoint.method(), seeded.fill(endpoint.path()), null, endpoint.body()).statusCode())
                    .as("%s anonymous", endpoint).isEqualTo(401);
            assertThat(call(endpoint.method(), seeded.fill(endpoint.path()).replace(tenant.id().toString(), "not-a-uuid"),
                    tenant.owner(), endpoint.body()).statusCode()).as("%s with a malformed org id", endpoint).isEqualTo(400);
        }
        HttpResponse<String> badProject = call("GET", "/api/v1/orgs/" + tenant.id() + "/projects/1%27%20OR%20%271%27=%271",
                tenant.owner(), null);
        assertThat(badProject.statusCode()).isEqualTo(400);
        assertThat(badProject.body()).doesNotContain("SQL", "Exception", "java.");
    }

    @Test
    void aRemovedMemberLosesTheWorkspaceOnTheNextRequest() {
        Tenant tenant = newTenant();
        Person member = joined(tenant.id(), "MEMBER");
        Seeded seeded = seed(tenant.id(), tenant.owner());
        assertThat(call("GET", seeded.fill(CONTACT), member, null).statusCode()).isEqualTo(200);
        try (var c = connectAs("postgres");
             var ps = c.prepareStatement("DELETE FROM bulwark.memberships WHERE tenant_id = ? AND user_id = ?")) {
            ps.setObject(1, tenant.id());
            ps.setObject(2, member.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(call("GET", seeded.fill(CONTACT), member, null).statusCode()).isEqualTo(404);
        assertThat(call("POST", seeded.fill(PROJECTS), member, "{\"name\":\"x\"}").statusCode()).isEqualTo(404);
    }
}
