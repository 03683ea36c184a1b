package dev.bulwark.audit;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A disclosure (a read that returns a contact) is in its organisation's chain before its answer leaves: appended in
 * the read's transaction, whose answer the gate holds until the commit. The answer waits for the event; an event that
 * cannot be recorded withholds the answer; concurrent reads are each recorded once, in a gap-free chain that verifies.
 */
class DisclosureTest extends IntegrationTest {

    private Tenant tenant;
    private String contact;

    @BeforeEach
    void anOrganisationWithAContact() {
        tenant = newTenant();
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                "{\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        contact = "/api/v1/orgs/" + tenant.id() + "/contacts/" + body(created).get("id").asString();
    }

    @Test
    void theAnswerWaitsUntilItsDisclosureIsInTheChain() throws Exception {
        call("GET", contact, tenant.owner(), null);
        long before = eventsOfType(tenant.id(), "contact.read");
        try (Connection holder = connectAs("postgres")) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement("SELECT 1 FROM bulwark.audit_heads WHERE tenant_id = ? FOR UPDATE")) {
                ps.setObject(1, tenant.id());
                ps.execute();
            }
            CompletableFuture<HttpResponse<String>> read = CompletableFuture.supplyAsync(() -> call("GET", contact, tenant.owner(), null));
            awaitWaitingOn("audit_append");
            assertThat(read).as("no answer while its event cannot be appended").isNotDone();
            assertThat(eventsOfType(tenant.id(), "contact.read")).isEqualTo(before);

            holder.commit();
            HttpResponse<String> answered = read.get(60, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(answered.body()).contains("Grace Hopper");
        }
        assertThat(eventsOfType(tenant.id(), "contact.read")).isEqualTo(before + 1);
    }

    @Test
    void aDisclosureThatCannotBeRecordedWithholdsTheAnswer() throws Exception {
        String constraint = "no_reads_" + tenant.id().toString().replace("-", "");
        try (Connection postgres = connectAs("postgres"); Statement s = postgres.createStatement()) {
            // Only this test's organisation is refused: other tests' reads are untouched.
            s.execute("ALTER TABLE bulwark.audit_events ADD CONSTRAINT " + constraint + " CHECK (tenant_id <> '"
                    + tenant.id() + "' OR type <> 'contact.read') NOT VALID");
            try {
                HttpResponse<String> read = call("GET", contact, tenant.owner(), null);
                assertThat(read.statusCode()).as("a server failure, not the caller's: " + read.body()).isEqualTo(500);
                assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
                assertThat(read.body()).doesNotContain("Grace Hopper", "grace@example.com");
            } finally {
                s.execute("ALTER TABLE bulwark.audit_events DROP CONSTRAINT " + constraint);
            }
        }
        assertThat(eventsOfType(tenant.id(), "contact.read")).isZero();
        HttpResponse<String> again = call("GET", contact, tenant.owner(), null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(eventsOfType(tenant.id(), "contact.read")).isEqualTo(1);
    }

    @Test
    void concurrentReadsAreEachRecordedOnceInAChainThatVerifies() throws Exception {
        int clients = 8;
        int readsEach = 15;
        call("GET", contact, tenant.owner(), null);
        long before = eventsOfType(tenant.id(), "contact.read");
        List<Future<List<Integer>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int i = 0; i < readsEach; i++) {
                        codes.add(call("GET", contact, tenant.owner(), null).statusCode());
                    }
                    return codes;
                }));
            }
            for (Future<List<Integer>> result : results) {
                assertThat(result.get(5, TimeUnit.MINUTES)).containsOnly(200);
            }
        }
        assertThat(eventsOfType(tenant.id(), "contact.read")).isEqualTo(before + (long) clients * readsEach);
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*), count(DISTINCT seq), max(seq) - min(seq) + 1 FROM bulwark.audit_events WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(2)).as("no seq twice").isEqualTo(rs.getLong(1));
                assertThat(rs.getLong(3)).as("no gap").isEqualTo(rs.getLong(1));
            }
        }
        JsonNode verified = body(call("GET", "/api/v1/orgs/" + tenant.id() + "/audit/verify", tenant.owner(), null));
        assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
    }

    /** Polls until a connection waits on a lock while running a statement naming {@code sql}. */
    private static void awaitWaitingOn(String sql) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?")) {
            ps.setString(1, "%" + sql + "%");
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("nothing waited on " + sql + " within 60 s");
    }
}
