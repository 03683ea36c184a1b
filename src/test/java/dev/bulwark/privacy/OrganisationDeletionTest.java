package dev.bulwark.privacy;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.privacy.internal.RetentionEnforcer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, acceptance 6: deleting an organisation disables it at once (members and keys get 404), cancelling within
 * the grace period restores it, and past the grace period it is purged and its keyset destroyed.
 */
class OrganisationDeletionTest extends IntegrationTest {

    @Autowired
    private RetentionEnforcer enforcer;

    private String orgName(Tenant t) {
        return body(call("GET", "/api/v1/orgs/" + t.id(), t.owner(), null)).get("name").asString();
    }

    private HttpResponse<String> requestDeletion(Tenant t, String name) {
        return call("POST", "/api/v1/orgs/" + t.id() + "/deletion", t.owner(), json.writeValueAsString(java.util.Map.of("confirmName", name)));
    }

    @Test
    void deletionDisablesAtOnceAndCancellingRestores() {
        Tenant t = newTenant();
        Person member = joined(t.id(), "MEMBER");
        String contact = "/api/v1/orgs/" + t.id() + "/contacts/" + body(call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(),
                "{\"name\":\"Still here\"}")).get("id").asString();
        String key = "Bearer " + body(call("POST", "/api/v1/orgs/" + t.id() + "/api-keys", t.owner(),
                "{\"name\":\"k\",\"role\":\"VIEWER\"}")).get("key").asString();
        String name = orgName(t);

        String state = "/api/v1/orgs/" + t.id() + "/deletion";
        JsonNode active = body(call("GET", state, t.owner(), null));
        assertThat(active.get("status").asString()).isEqualTo("active");
        assertThat(active.get("graceSeconds").asLong()).as("the grace period, before any deletion").isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(call("GET", state, member, null).statusCode()).as("an owner's only").isEqualTo(403);
        assertThat(call("GET", state, newTenant().owner(), null).statusCode()).as("another organisation's owner").isEqualTo(404);
        assertThat(requestDeletion(t, "not the name").statusCode()).as("a wrong confirmation").isEqualTo(400);
        assertThat(body(call("GET", state, t.owner(), null)).get("status").asString()).isEqualTo("active");
        assertThat(call("POST", "/api/v1/orgs/" + t.id() + "/deletion", member, "{\"confirmName\":\"" + name + "\"}").statusCode())
                .isEqualTo(403);
        assertThat(call("GET", contact, member, null).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = requestDeletion(t, name);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
        JsonNode status = body(deleted);
        assertThat(status.get("status").asString()).isEqualTo("deletion-pending");
        assertThat(java.time.Instant.parse(status.get("purgeAfter").asString()))
                .isAfter(java.time.Instant.now().plus(Duration.ofDays(29)));
        // The installation's grace period is served with the state, and is exactly the time from disabling to purge.
        assertThat(status.get("graceSeconds").asLong()).isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(Duration.between(java.time.Instant.parse(status.get("disabledAt").asString()),
                java.time.Instant.parse(status.get("purgeAfter").asString())).toSeconds())
                .isEqualTo(status.get("graceSeconds").asLong());
        assertThat(auditEvents(t.id(), "org.deletion.requested")).hasSize(1);

        // Disabled at once: the owner, a member and a key all get 404.
        assertThat(call("GET", "/api/v1/orgs/" + t.id(), t.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", contact, member, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", contact, null, null, "Authorization", key).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"x\"}").statusCode()).isEqualTo(404);
        assertThat(requestDeletion(t, name).statusCode()).isEqualTo(404);
        // The state is still served to the owner while pending, with the end of the grace period.
        JsonNode pending = body(call("GET", state, t.owner(), null));
        assertThat(pending.get("status").asString()).isEqualTo("deletion-pending");
        assertThat(pending.get("purgeAfter").asString()).isEqualTo(status.get("purgeAfter").asString());
        assertThat(call("GET", state, member, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", state, null, null, "Authorization", key).statusCode()).as("a key").isEqualTo(403);
        // Only an owner may cancel.
        assertThat(call("DELETE", "/api/v1/orgs/" + t.id() + "/deletion", member, null).statusCode()).isEqualTo(403);

        HttpResponse<String> cancelled = call("DELETE", "/api/v1/orgs/" + t.id() + "/deletion", t.owner(), null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(body(cancelled).get("status").asString()).isEqualTo("active");
        assertThat(body(call("GET", contact, member, null)).get("name").asString()).isEqualTo("Still here");
        assertThat(call("GET", contact, null, null, "Authorization", key).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/orgs/" + t.id() + "/deletion", t.owner(), null).statusCode())
                .as("nothing pending").isEqualTo(409);
        assertThat(auditEvents(t.id(), "org.deletion.cancelled")).hasSize(1);
        assertThat(body(call("GET", state, t.owner(), null)).get("status").asString()).isEqualTo("active");
    }

    @Test
    void pastTheGracePeriodTheOrganisationIsPurgedAndItsKeysetDestroyed() throws Exception {
        Tenant t = newTenant();
        Tenant bystander = newTenant();
        call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"Goes away\",\"email\":\"gone@example.com\"}");
        String kept = body(call("POST", "/api/v1/orgs/" + bystander.id() + "/contacts", bystander.owner(), "{\"name\":\"Stays\"}"))
                .get("id").asString();
        assertThat(requestDeletion(t, orgName(t)).statusCode()).isEqualTo(202);

        // Within the grace period nothing is purged.
        enforcer.runAll(Clock.offset(Clock.systemUTC(), Duration.ofDays(29))).orElseThrow();
        assertThat(count("SELECT count(*) FROM bulwark.contacts WHERE tenant_id = ?", t.id())).isEqualTo(1);

        enforcer.runAll(Clock.offset(Clock.systemUTC(), Duration.ofDays(31))).orElseThrow();
        assertThat(count("SELECT count(*) FROM bulwark.contacts WHERE tenant_id = ?", t.id())).isZero();
        assertThat(count("SELECT count(*) FROM bulwark.memberships WHERE tenant_id = ?", t.id())).isZero();
        assertThat(count("SELECT count(*) FROM bulwark.tenant_keys WHERE tenant_id = ? AND destroyed_at IS NOT NULL"
                + " AND data_keyset IS NULL AND index_keyset IS NULL", t.id())).as("keyset destroyed").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM bulwark.organisations WHERE id = ? AND purged_at IS NOT NULL", t.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM bulwark.audit_events WHERE tenant_id = ? AND type = 'org.purged'", t.id())).isEqualTo(1);
        // Too late to cancel; the bystander is untouched.
        assertThat(call("DELETE", "/api/v1/orgs/" + t.id() + "/deletion", t.owner(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/orgs/" + bystander.id() + "/contacts/" + kept, bystander.owner(), null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anOrganisationOnLegalHoldIsNotPurgedWhenItsGracePeriodEnds() throws Exception {
        Tenant t = newTenant();
        call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"Held\"}");
        assertThat(call("PUT", "/api/v1/orgs/" + t.id() + "/legal-hold", t.owner(), "{\"active\":true,\"reason\":\"audit\"}")
                .statusCode()).isEqualTo(200);
        assertThat(requestDeletion(t, orgName(t)).statusCode()).isEqualTo(202);
        enforcer.runAll(Clock.offset(Clock.systemUTC(), Duration.ofDays(31))).orElseThrow();
        assertThat(count("SELECT count(*) FROM bulwark.contacts WHERE tenant_id = ?", t.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM bulwark.organisations WHERE id = ? AND purged_at IS NULL", t.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM bulwark.tenant_keys WHERE tenant_id = ? AND destroyed_at IS NULL", t.id())).isEqualTo(1);
    }

    private static long count(String sql, UUID org) throws Exception {
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
