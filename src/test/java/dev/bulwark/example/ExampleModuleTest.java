package dev.bulwark.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.bulwark.IntegrationTest;
import dev.bulwark.tenancy.IsolationCatalog;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The example module of docs/extending.md behaves as the guide says: its table passes the isolation catalogue, its
 * body is stored only as a ciphertext, its endpoints answer 404 to another organisation, 403 without the permission
 * and 400 to bad input, changing nothing. The suite-wide gates also cover it, since it runs in every test context:
 * IsolationCatalogTest, EndpointDeclarationsTest, AuditDeclarationTest and AccessMatrixTest.
 */
class ExampleModuleTest extends IntegrationTest {

    @Autowired
    private IsolationCatalog catalog;

    @Test
    void theTableKeepsTheCatalogueRules() {
        assertThat(catalog.tenantTables()).contains(ExampleTables.NOTES);
        assertThat(catalog.violations()).isEmpty();
    }

    @Test
    void notesAreSealedScopedAndValidated() throws SQLException {
        Tenant a = newTenant();
        String notes = "/api/v1/orgs/" + a.id() + "/example-notes";
        String secret = "the launch date is the ninth " + java.util.UUID.randomUUID();
        HttpResponse<String> created = call("POST", notes, a.owner(), json.writeValueAsString(java.util.Map.of("title", "Plan", "body", secret)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(body(call("GET", notes, a.owner(), null)).get("items").get(0).get("body").asString()).isEqualTo(secret);
        assertThat(bodiesAtRest(a)).hasSize(1).allSatisfy(stored ->
                assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("launch date"));

        // Another organisation's member: 404, as for an organisation that does not exist; a viewer may read, not write.
        Person outsider = outsider();
        assertThat(call("GET", notes, outsider, null).statusCode()).isEqualTo(404);
        assertThat(call("POST", notes, outsider, "{\"title\":\"x\",\"body\":\"y\"}").statusCode()).isEqualTo(404);
        Person viewer = joined(a.id(), "VIEWER");
        assertThat(call("GET", notes, viewer, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", notes, viewer, "{\"title\":\"x\",\"body\":\"y\"}").statusCode()).isEqualTo(403);

        // Bad input: 400, and nothing written.
        for (String bad : List.of("{\"title\":\" \",\"body\":\"y\"}", "{\"title\":\"x\"}", "{\"title\":\"x\",\"body\":\"y\",\"extra\":1}",
                "{\"title\":\"" + "t".repeat(201) + "\",\"body\":\"y\"}", "[]", "{\"title\":5,\"body\":\"y\"}")) {
            assertThat(call("POST", notes, a.owner(), bad).statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(bodiesAtRest(a)).hasSize(1);
    }

    private static List<byte[]> bodiesAtRest(Tenant tenant) throws SQLException {
        List<byte[]> bodies = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT body_ct FROM bulwark.example_notes WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bodies.add(rs.getBytes(1));
                }
            }
        }
        return bodies;
    }
}
