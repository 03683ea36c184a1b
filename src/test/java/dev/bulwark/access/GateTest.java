package dev.bulwark.access;

import java.lang.reflect.Modifier;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One gate per request: the organisation check and the tenant binding are one statement, the first of the transaction
 * the work runs in, so the check and the work commit together (counted on the real data source, as the driver sees
 * it); a removal or revocation cannot fall between the check and the work; and only the gate makes a {@link Caller}.
 */
@Import(CountedStatements.class)
class GateTest extends IntegrationTest {

    private Tenant tenant;
    private String contact;

    @BeforeEach
    void anOrganisationWithAContact() {
        tenant = newTenant();
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                "{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        contact = "/api/v1/orgs/" + tenant.id() + "/contacts/" + body(created).get("id").asString();
    }

    private HttpResponse<String> counted(String name, String method, String path, String[] auth, String json) {
        String[] headers = Arrays.copyOf(auth, auth.length + (json == null ? 2 : 4));
        headers[auth.length] = CountedStatements.HEADER;
        headers[auth.length + 1] = name;
        if (json != null) {
            headers[auth.length + 2] = "Content-Type";
            headers[auth.length + 3] = "application/json";
        }
        return call(method, path, null, json, headers);
    }

    @Test
    void aPersonsReadIsOneTransactionWhoseFirstStatementIsTheGate() throws SQLException {
        call("GET", contact, tenant.owner(), null); // the token's first use reads its session; later uses do not
        String name = "person-read-" + UUID.randomUUID();
        HttpResponse<String> read = counted(name, "GET", contact, tenant.owner().auth(), null);
        CountedStatements.Count count = CountedStatements.of(name);

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(count.connections.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.transactions.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.statements.getFirst()).as(count.toString()).contains("gate_person");
        assertThat(count.statements).as("nothing re-reads the membership: " + count).filteredOn(s -> s.contains("memberships")).isEmpty();
        assertThat(count.statements).as("the gate, the read, the disclosure's audit event: " + count).hasSize(3);
        assertThat(eventsOfType(tenant.id(), "contact.read")).as("the read is recorded in the same transaction").isEqualTo(2);
    }

    @Test
    void anApiKeysReadIsOneTransactionAndAuthenticationReadsNothing() {
        JsonNode key = body(call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(), "{\"name\":\"CI\",\"role\":\"VIEWER\"}"));
        String[] auth = {"Authorization", "Bearer " + key.get("key").asString()};
        String name = "key-read-" + UUID.randomUUID();
        HttpResponse<String> read = counted(name, "GET", contact, auth, null);
        CountedStatements.Count count = CountedStatements.of(name);

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(count.connections.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.transactions.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.statements.getFirst()).as(count.toString()).contains("gate_api_key");
        assertThat(count.statements).as(count.toString()).filteredOn(s -> s.contains("api_key")).hasSize(1);
    }

    @Test
    void aMemberRoleChangeIsOneTransaction() {
        Person member = joined(tenant.id(), "MEMBER");
        String name = "role-change-" + UUID.randomUUID();
        HttpResponse<String> changed = counted(name, "PATCH", "/api/v1/orgs/" + tenant.id() + "/members/" + member.id(),
                tenant.owner().auth(), "{\"role\":\"VIEWER\"}");
        CountedStatements.Count count = CountedStatements.of(name);

        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(count.connections.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.transactions.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.statements.getFirst()).as(count.toString()).contains("gate_person");
        assertThat(count.statements).as("the owners' lock, the target's row, the update; the actor's role is the gate's: " + count)
                .filteredOn(s -> s.contains("memberships")).hasSize(3);
    }

    @Test
    void creatingAnApiKeyIsOneTransaction() {
        call("GET", contact, tenant.owner(), null);
        String name = "key-create-" + UUID.randomUUID();
        HttpResponse<String> created = counted(name, "POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner().auth(),
                "{\"name\":\"CI\",\"role\":\"VIEWER\"}");
        CountedStatements.Count count = CountedStatements.of(name);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(count.connections.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.transactions.get()).as(count.toString()).isEqualTo(1);
        assertThat(count.statements.getFirst()).as(count.toString()).contains("gate_person");
        assertThat(count.statements).as("the policy and the role are the gate's: " + count)
                .filteredOn(s -> s.contains("organisation_policies") || s.contains("memberships")).isEmpty();
    }

    @Test
    void aRefusedRequestIsOneStatementAndChangesNothing() {
        Person outsider = outsider();
        call("GET", "/api/v1/me", outsider, null); // the token's first use reads its session
        String name = "refused-" + UUID.randomUUID();
        HttpResponse<String> refused = counted(name, "PATCH", contact, outsider.auth(), "{\"name\":\"Mallory\"}");
        CountedStatements.Count count = CountedStatements.of(name);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        assertThat(count.statements).as(count.toString()).hasSize(1);
        assertThat(body(call("GET", contact, tenant.owner(), null)).get("name").asString()).isEqualTo("Ada Lovelace");
    }

    /**
     * The member's read is admitted, then held inside its transaction (its audit append waits on a lock the test
     * holds). A removal of that member started meanwhile waits for the read to finish: it cannot land between the
     * check and the work. Once the read commits, the removal goes through and the member's next request is refused.
     */
    @Test
    void aRemovalCannotFallBetweenTheCheckAndTheWork() throws Exception {
        Person member = joined(tenant.id(), "MEMBER");
        call("GET", contact, member, null);
        try (Connection holder = connectAs("postgres"); Connection remover = connectAs("postgres")) {
            holder.setAutoCommit(false);
            execute(holder, "SELECT 1 FROM bulwark.audit_heads WHERE tenant_id = ? FOR UPDATE", tenant.id());
            CompletableFuture<HttpResponse<String>> read = CompletableFuture.supplyAsync(() -> call("GET", contact, member, null));
            awaitWaiting("Lock", "transactionid|tuple", "audit_append");

            CompletableFuture<Integer> removal = CompletableFuture.supplyAsync(() -> {
                try (PreparedStatement ps = remover.prepareStatement("DELETE FROM bulwark.memberships WHERE tenant_id = ? AND user_id = ?")) {
                    ps.setObject(1, tenant.id());
                    ps.setObject(2, member.id());
                    return ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaiting("Lock", "advisory", "memberships");
            assertThat(read).as("the admitted read is still running").isNotDone();
            assertThat(removal).as("the removal waits for the admitted read").isNotDone();

            holder.commit();
            assertThat(read.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(removal.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(call("GET", contact, member, null).statusCode()).isEqualTo(404);
    }

    /** A request that arrives while a removal is under way waits for it, then sees it: 404, never a stale admission. */
    @Test
    void aRequestDuringARemovalWaitsAndIsRefused() throws Exception {
        Person member = joined(tenant.id(), "MEMBER");
        call("GET", contact, member, null);
        try (Connection remover = connectAs("postgres")) {
            remover.setAutoCommit(false);
            execute(remover, "DELETE FROM bulwark.memberships WHERE tenant_id = ? AND user_id = '" + member.id() + "'", tenant.id());
            CompletableFuture<HttpResponse<String>> read = CompletableFuture.supplyAsync(() -> call("GET", contact, member, null));
            awaitWaiting("Lock", "advisory", "gate_person");
            remover.commit();
            assertThat(read.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
    }

    /** The same for a key: a request arriving during its revocation waits for it and is refused 401. */
    @Test
    void aKeyRequestDuringItsRevocationWaitsAndIsRefused() throws Exception {
        JsonNode key = body(call("POST", "/api/v1/orgs/" + tenant.id() + "/api-keys", tenant.owner(), "{\"name\":\"CI\",\"role\":\"VIEWER\"}"));
        String[] auth = {"Authorization", "Bearer " + key.get("key").asString()};
        assertThat(call("GET", contact, null, null, auth).statusCode()).isEqualTo(200);
        try (Connection revoker = connectAs("postgres")) {
            revoker.setAutoCommit(false);
            execute(revoker, "UPDATE bulwark.api_keys SET revoked_at = now(), revoked_reason = 'revoked' WHERE tenant_id = ? AND id = '"
                    + key.get("id").asString() + "'", tenant.id());
            CompletableFuture<HttpResponse<String>> read = CompletableFuture.supplyAsync(() -> call("GET", contact, null, null, auth));
            awaitWaiting("Lock", "advisory", "gate_api_key");
            revoker.commit();
            assertThat(read.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
        }
    }

    /**
     * Two admins removing each other at the same moment: each request holds its own grant of access, and each removal
     * waits for the other's requests, a deadlock PostgreSQL breaks by undoing one. The undone one answers 503 with
     * Retry-After (nothing of it written), never a 500, and the other goes through. Both are admitted first, then held on
     * the owners' rows (locked by the test) so that they meet in the deadlock every time.
     */
    @Test
    void twoAdminsRemovingEachOtherAtOnceEndInOneRemovalAndOneRetry() throws Exception {
        Person a = joined(tenant.id(), "ADMIN");
        Person b = joined(tenant.id(), "ADMIN");
        call("GET", contact, a, null);
        call("GET", contact, b, null);
        List<HttpResponse<String>> answers;
        try (Connection holder = connectAs("postgres")) {
            holder.setAutoCommit(false);
            execute(holder, "SELECT 1 FROM bulwark.memberships WHERE tenant_id = ? AND role = 'OWNER' FOR UPDATE", tenant.id());
            CompletableFuture<HttpResponse<String>> aRemovesB = CompletableFuture.supplyAsync(() ->
                    call("DELETE", "/api/v1/orgs/" + tenant.id() + "/members/" + b.id(), a, null));
            CompletableFuture<HttpResponse<String>> bRemovesA = CompletableFuture.supplyAsync(() ->
                    call("DELETE", "/api/v1/orgs/" + tenant.id() + "/members/" + a.id(), b, null));
            awaitWaiting("Lock", "transactionid|tuple", "role = 'OWNER'", 2);
            holder.commit();
            answers = List.of(aRemovesB.get(60, TimeUnit.SECONDS), bRemovesA.get(60, TimeUnit.SECONDS));
        }
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(204, 503);
        HttpResponse<String> undone = answers.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
        assertThat(undone.headers().firstValue("Retry-After")).isPresent();
        assertThat(body(undone).get("type").asString()).endsWith("/service-unavailable");
        long left = java.util.stream.Stream.of(a, b)
                .filter(p -> call("GET", contact, p, null).statusCode() == 200).count();
        assertThat(left).as("exactly one of the two was removed").isEqualTo(1);
    }

    /** Compile-level: Caller's only constructor is package-private, and within its package only the gate calls it. */
    @Test
    void onlyTheGateMakesCallers() {
        assertThat(Modifier.isFinal(Caller.class.getModifiers())).isTrue();
        assertThat(Caller.class.getDeclaredConstructors()).allSatisfy(c ->
                assertThat(Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers())).as(c.toString()).isFalse());
        assertThat(Caller.class.getDeclaredMethods()).filteredOn(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == Caller.class)
                .as("no factory besides the gate").isEmpty();

        JavaClass caller = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bulwark").get(Caller.class);
        assertThat(caller.getConstructorCallsToSelf()).isNotEmpty()
                .allSatisfy(call -> assertThat(((JavaConstructorCall) call).getOriginOwner().getName()).isEqualTo(Gate.class.getName()));
    }

    private static void execute(Connection c, String sql, UUID org) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            ps.execute();
        }
    }

    private static void awaitWaiting(String waitType, String waitEvent, String sql) throws SQLException, InterruptedException {
        awaitWaiting(waitType, waitEvent, sql, 1);
    }

    /** Polls until {@code connections} connections wait on a lock of that kind while running a statement naming {@code sql}. */
    private static void awaitWaiting(String waitType, String waitEvent, String sql, int connections)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("""
                     SELECT count(*) FROM pg_stat_activity
                     WHERE wait_event_type = ? AND wait_event ~ ? AND query LIKE ?
                     """)) {
            ps.setString(1, waitType);
            ps.setString(2, "^(" + waitEvent + ")$");
            ps.setString(3, "%" + sql + "%");
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= connections) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no connection came to wait on " + waitEvent + " in " + sql);
    }
}
