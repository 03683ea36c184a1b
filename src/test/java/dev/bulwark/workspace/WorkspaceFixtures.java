package dev.bulwark.workspace;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** What the workspace tests share: seeding a tenant's workspace over the API, docs/api.md's endpoint table, snapshots. */
abstract class WorkspaceFixtures extends IntegrationTest {

    /** One of each workspace resource, in one organisation. */
    record Seeded(UUID org, UUID project, UUID document, UUID contact, UUID interaction) {

        /** The path with {@code {org}}, {@code {project}}, {@code {document}}, {@code {contact}}, {@code {interaction}} filled in. */
        String fill(String template) {
            return template.replace("{org}", org.toString())
                    .replace("{project}", project.toString())
                    .replace("{document}", document.toString())
                    .replace("{contact}", contact.toString())
                    .replace("{interaction}", interaction.toString());
        }
    }

    /** A workspace endpoint of docs/api.md: method, path template, a valid body, and whether it writes. */
    record Endpoint(String method, String path, String body, int success, boolean writes) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final String PROJECTS = "/api/v1/orgs/{org}/projects";
    static final String PROJECT = PROJECTS + "/{project}";
    static final String DOCUMENTS = PROJECT + "/documents";
    static final String DOCUMENT = DOCUMENTS + "/{document}";
    static final String CONTACTS = "/api/v1/orgs/{org}/contacts";
    static final String CONTACT = CONTACTS + "/{contact}";
    static final String INTERACTIONS = CONTACT + "/interactions";
    static final String INTERACTION = INTERACTIONS + "/{interaction}";

    /** Every workspace row of docs/api.md (plus document versions). Deletes come last: they remove the seed. */
    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", PROJECTS, "{\"name\":\"Roadmap\",\"description\":\"Next year\"}", 201, true),
            new Endpoint("GET", PROJECTS, null, 200, false),
            new Endpoint("GET", PROJECT, null, 200, false),
            new Endpoint("PATCH", PROJECT, "{\"description\":\"Changed\"}", 200, true),
            new Endpoint("POST", DOCUMENTS, "{\"title\":\"Plan\",\"body\":\"<p>Hello</p>\"}", 201, true),
            new Endpoint("GET", DOCUMENTS, null, 200, false),
            new Endpoint("GET", DOCUMENT, null, 200, false),
            new Endpoint("PATCH", DOCUMENT, "{\"body\":\"<p>Changed</p>\"}", 200, true),
            new Endpoint("GET", DOCUMENT + "/versions", null, 200, false),
            new Endpoint("GET", DOCUMENT + "/versions/1", null, 200, false),
            new Endpoint("POST", CONTACTS, "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"phone\":\"+442071838750\",\"notes\":\"VIP\"}", 201, true),
            new Endpoint("GET", CONTACTS, null, 200, false),
            new Endpoint("GET", CONTACTS + "?email=ada@example.com", null, 200, false),
            new Endpoint("GET", CONTACT, null, 200, false),
            new Endpoint("PATCH", CONTACT, "{\"notes\":\"Changed\"}", 200, true),
            new Endpoint("POST", INTERACTIONS, "{\"channel\":\"call\",\"subject\":\"Intro\",\"body\":\"Talked\"}", 201, true),
            new Endpoint("GET", INTERACTIONS, null, 200, false),
            new Endpoint("GET", INTERACTION, null, 200, false),
            new Endpoint("PATCH", INTERACTION, "{\"subject\":\"Corrected\"}", 200, true),
            new Endpoint("DELETE", INTERACTION, null, 204, true),
            new Endpoint("DELETE", DOCUMENT, null, 204, true),
            new Endpoint("DELETE", CONTACT, null, 204, true),
            new Endpoint("DELETE", PROJECT, null, 204, true));

    /** A project with a document, and a contact with an interaction, created over the API as {@code owner}. */
    Seeded seed(UUID org, Person owner) {
        UUID project = created("/api/v1/orgs/" + org + "/projects", owner, "{\"name\":\"Seed project\",\"description\":\"d\"}");
        UUID document = created("/api/v1/orgs/" + org + "/projects/" + project + "/documents", owner,
                "{\"title\":\"Seed document\",\"body\":\"<p>seed</p>\"}");
        UUID contact = created("/api/v1/orgs/" + org + "/contacts", owner,
                "{\"name\":\"Seed contact\",\"email\":\"seed@example.com\",\"phone\":\"+14155550100\",\"notes\":\"n\"}");
        UUID interaction = created("/api/v1/orgs/" + org + "/contacts/" + contact + "/interactions", owner,
                "{\"channel\":\"note\",\"subject\":\"Seed interaction\",\"body\":\"b\"}");
        return new Seeded(org, project, document, contact, interaction);
    }

    UUID created(String path, Person as, String body) {
        HttpResponse<String> response = call("POST", path, as, body);
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(201);
        return UUID.fromString(body(response).get("id").asString());
    }

    JsonNode read(String path, Person as) {
        HttpResponse<String> response = call("GET", path, as, null);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return body(response);
    }

    /** Every row of the organisation: equal snapshots mean nothing of the organisation changed. */
    static List<String> snapshot(UUID org) {
        return tenantRows(org);
    }

    static long count(String table, UUID org) {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark." + table + " WHERE tenant_id = ?")) {
            ps.setObject(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
