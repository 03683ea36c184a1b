package dev.bulwark.access;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.IntegrationTest;
import dev.bulwark.access.internal.Declaration;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The visibility and role rules of docs/api.md, over every organisation endpoint of the running application, read from its
 * request mappings (an endpoint added later is in the matrix without editing this test):
 * <ul>
 * <li>a member of organisation B, with A's ids, gets 404 everywhere, and nothing of A changes;</li>
 * <li>every role, as a person and as an API key, gets exactly the cells its permission grants (403 elsewhere);</li>
 * <li>a project-scoped key reaches its project and that project's documents, and gets 404 for everything else.</li>
 * </ul>
 * Allowed calls are made harmless so one organisation serves the whole matrix: bodies carry an unknown field (400 after
 * the access check), deletes send a stale If-Match (412), and targets of member and key deletes are unknown ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest extends IntegrationTest {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final String PROBE_BODY = "{\"matrixProbe\":true}";
    private static final String[] STALE = {"If-Match", "\"999999\""};

    /** Where the permission an endpoint declares is not the whole rule: removing another member needs MANAGE_MEMBERS. */
    private static final Map<String, Permission> EFFECTIVE = Map.of(
            "DELETE /api/v1/orgs/{orgId}/members/{userId}", Permission.MANAGE_MEMBERS);

    /** Valid bodies for writes that name another resource, so a 404 there is visibility, never validation. */
    private static final Map<String, String> VALID_BODIES = Map.ofEntries(
            Map.entry("PATCH /api/v1/orgs/{orgId}/webhooks/{webhookId}", "{\"enabled\":false}"),
            Map.entry("POST /api/v1/orgs/{orgId}/webhooks/{webhookId}/rotate-secret", "{}"),
            Map.entry("POST /api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", "{}"),
            Map.entry("PATCH /api/v1/orgs/{orgId}/projects/{projectId}", "{\"description\":\"hijacked\"}"),
            Map.entry("POST /api/v1/orgs/{orgId}/projects/{projectId}/documents", "{\"title\":\"x\",\"body\":\"<p>x</p>\"}"),
            Map.entry("PATCH /api/v1/orgs/{orgId}/projects/{projectId}/documents/{documentId}", "{\"body\":\"<p>hijacked</p>\"}"),
            Map.entry("POST /api/v1/orgs/{orgId}/projects/{projectId}/documents/{documentId}/promote", "{\"version\":1}"),
            Map.entry("POST /api/v1/orgs/{orgId}/projects/{projectId}/documents/ai-draft",
                    "{\"provider\":\"stub-openai\",\"model\":\"stub-chat\",\"instruction\":\"Draft a policy.\"}"),
            Map.entry("PATCH /api/v1/orgs/{orgId}/contacts/{contactId}", "{\"notes\":\"hijacked\"}"),
            Map.entry("POST /api/v1/orgs/{orgId}/contacts/{contactId}/interactions", "{\"channel\":\"call\",\"subject\":\"x\",\"body\":\"x\"}"),
            Map.entry("PATCH /api/v1/orgs/{orgId}/contacts/{contactId}/interactions/{interactionId}", "{\"subject\":\"hijacked\"}"),
            Map.entry("PATCH /api/v1/orgs/{orgId}/members/{userId}", "{\"role\":\"VIEWER\"}"),
            Map.entry("PUT /api/v1/orgs/{orgId}/retention-policies/{dataClass}", "{\"retentionDays\":3000}"),
            Map.entry("PUT /api/v1/orgs/{orgId}/ai/providers/{providerId}/key", "{\"apiKey\":\"sk-matrix-0123456789abcdef\"}"),
            Map.entry("POST /api/v1/orgs/{orgId}/projects/{projectId}/guests", "{\"email\":\"matrix-guest@example.com\"}"),
            Map.entry("POST /api/v1/orgs/{orgId}/projects/{projectId}/guests/{guestId}/link", "{}"),
            Map.entry("POST /api/v1/orgs/{orgId}/sso/oidc/domains/{domain}/verify", "{}"));

    /** Path variables that name no organisation's resource (the same in every organisation). */
    private static final java.util.Set<String> NOT_IDS = java.util.Set.of("dataClass", "providerId", "domain");

    private record Endpoint(String method, String path, Permission permission, boolean personOnly) {

        String key() {
            return method + " " + path;
        }

        List<String> variables() {
            List<String> names = new ArrayList<>();
            Matcher m = VARIABLE.matcher(path);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        boolean writes() {
            return !method.equals("GET");
        }

        boolean takesBody() {
            return method.equals("POST") || method.equals("PATCH") || method.equals("PUT");
        }
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    private final List<Endpoint> endpoints = new ArrayList<>();
    private Tenant a;
    private Tenant b;
    private Map<String, String> idsOfA;
    private UUID otherProjectOfA;

    @BeforeAll
    void twoOrganisationsWithOneOfEverything() {
        mappings.getHandlerMethods().forEach((info, method) -> {
            Requires requires = method.getMethodAnnotation(Requires.class);
            if (requires == null) {
                return;
            }
            for (String path : info.getPathPatternsCondition().getPatternValues()) {
                info.getMethodsCondition().getMethods().forEach(verb -> {
                    // People only: declared so, or a permission no key holds (the owner role, policy, keys).
                    Endpoint e = new Endpoint(verb.name(), path, requires.value(),
                            new Declaration.InOrganisation(requires).peopleOnly());
                    endpoints.add(new Endpoint(e.method(), e.path(), EFFECTIVE.getOrDefault(e.key(), e.permission()), e.personOnly()));
                });
            }
        });
        a = newTenant();
        b = newTenant();
        idsOfA = seed(a);
        seed(b);
        otherProjectOfA = id(call("POST", "/api/v1/orgs/" + a.id() + "/projects", a.owner(), "{\"name\":\"Other\"}"));
    }

    /** One of each resource, as the owner: a project with a document, a contact with an interaction, a key, a webhook. */
    private Map<String, String> seed(Tenant t) {
        String org = "/api/v1/orgs/" + t.id();
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("orgId", t.id().toString());
        ids.put("projectId", id(call("POST", org + "/projects", t.owner(), "{\"name\":\"P\"}")).toString());
        ids.put("documentId", id(call("POST", org + "/projects/" + ids.get("projectId") + "/documents", t.owner(),
                "{\"title\":\"D\",\"body\":\"<p>d</p>\"}")).toString());
        ids.put("contactId", id(call("POST", org + "/contacts", t.owner(), "{\"name\":\"C\",\"email\":\"c@example.com\"}")).toString());
        ids.put("interactionId", id(call("POST", org + "/contacts/" + ids.get("contactId") + "/interactions", t.owner(),
                "{\"channel\":\"note\",\"subject\":\"I\",\"body\":\"i\"}")).toString());
        ids.put("keyId", id(call("POST", org + "/api-keys", t.owner(), "{\"name\":\"seed\",\"role\":\"VIEWER\"}")).toString());
        // A webhook to a loopback port the test configuration allows and nobody listens on, and one delivery of it.
        String webhookId = id(call("POST", org + "/webhooks", t.owner(),
                "{\"url\":\"http://127.0.0.1:27810/matrix\",\"events\":[\"webhook.created\",\"webhook.updated\"]}")).toString();
        ids.put("webhookId", webhookId);
        assertThat(call("PATCH", org + "/webhooks/" + webhookId, t.owner(), "{\"events\":[\"webhook.updated\"]}").statusCode())
                .isEqualTo(200);
        ids.put("deliveryId", body(call("GET", org + "/webhooks/" + webhookId + "/deliveries", t.owner(), null))
                .get("items").get(0).get("id").asString());
        ids.put("invitationId", id(call("POST", org + "/invitations", t.owner(),
                "{\"email\":\"" + uniqueEmail() + "\",\"role\":\"VIEWER\"}")).toString());
        ids.put("guestId", id(call("POST", org + "/projects/" + ids.get("projectId") + "/guests", t.owner(),
                "{\"email\":\"" + uniqueEmail() + "\"}")).toString());
        ids.put("userId", t.owner().id().toString());
        ids.put("version", "1");
        ids.put("dataClass", "interaction.call");
        ids.put("providerId", "stub-openai"); // an AI provider of the test configuration, the same in every organisation
        ids.put("domain", "matrix.example"); // a domain name, claimed by no organisation (single sign-on)
        return ids;
    }

    private UUID id(HttpResponse<String> created) {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(body(created).get("id").asString());
    }

    private static String fill(String template, Map<String, String> ids) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = ids.get(m.group(1));
            if (value == null) {
                throw new AssertionError("The matrix has no id for {" + m.group(1) + "} in " + template + ": seed one");
            }
            m.appendReplacement(out, value);
        }
        return m.appendTail(out).toString();
    }

    /** The call that is harmless if allowed: ids of A, except unknown targets for member and key deletes. */
    private HttpResponse<String> probe(Endpoint e, String[] credential, Map<String, String> ids) {
        Map<String, String> values = new LinkedHashMap<>(ids);
        if (e.method().equals("DELETE")) {
            values.put("userId", UUID.randomUUID().toString());
            values.put("keyId", UUID.randomUUID().toString());
            values.put("invitationId", UUID.randomUUID().toString());
            values.put("webhookId", UUID.randomUUID().toString());
        }
        String[] headers = e.method().equals("DELETE") ? concat(credential, STALE) : credential;
        return call(e.method(), fill(e.path(), values), null, e.takesBody() ? PROBE_BODY : null, headers);
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private String[] keyFor(String role, UUID project) {
        String body = project == null ? "{\"name\":\"matrix\",\"role\":\"" + role + "\"}"
                : "{\"name\":\"matrix\",\"role\":\"" + role + "\",\"projectId\":\"" + project + "\"}";
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + a.id() + "/api-keys", a.owner(), body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new String[] {"Authorization", "Bearer " + body(created).get("key").asString()};
    }

    @Test
    void theMatrixCoversEveryOrganisationEndpoint() {
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(30);
        // A key never creates keys: the rule is on the endpoint, so it is decided before the body is read.
        assertThat(endpoints).filteredOn(Endpoint::personOnly).extracting(Endpoint::key)
                .contains("POST /api/v1/orgs/{orgId}/api-keys", "PUT /api/v1/orgs/{orgId}/security-policy",
                        "PUT /api/v1/orgs/{orgId}/keys/kms", "DELETE /api/v1/orgs/{orgId}/keys/kms", "POST /api/v1/orgs/{orgId}/keys/rotate");
        assertThat(endpoints).allSatisfy(e -> assertThat(e.path()).startsWith("/api/v1/orgs/{orgId}"));
        // Every write naming another resource has a valid body for the cross-tenant check.
        List<String> missing = endpoints.stream()
                .filter(e -> e.takesBody() && e.variables().size() > 1 && !VALID_BODIES.containsKey(e.key()))
                .map(Endpoint::key).toList();
        assertThat(missing).as("writes without a valid body in VALID_BODIES").isEmpty();
    }

    @Test
    void anotherOrganisationsMemberGets404OnEveryEndpointAndNothingOfTheFirstChanges() {
        List<String> before = tenantRows(a.id());
        Map<String, String> withOwnOrg = new LinkedHashMap<>(idsOfA);
        withOwnOrg.put("orgId", b.id().toString());
        for (Endpoint e : endpoints) {
            // A's organisation in the path: B's owner is not a member.
            assertThat(probe(e, b.owner().auth(), idsOfA).statusCode()).as("%s with A's org", e).isEqualTo(404);
            // B's own organisation in the path, A's resource ids after it, with a body that would be valid.
            if (e.variables().stream().filter(v -> !NOT_IDS.contains(v)).count() > 1) {
                String body = e.takesBody() ? VALID_BODIES.get(e.key()) : null;
                HttpResponse<String> response = call(e.method(), fill(e.path(), withOwnOrg), b.owner(), body);
                assertThat(response.statusCode()).as("%s with A's ids under B: %s", e, response.body()).isEqualTo(404);
            }
        }
        // The same with one of B's API keys (OWNER role): A's organisation does not exist for it.
        String[] keyOfB = {"Authorization", "Bearer " + body(call("POST", "/api/v1/orgs/" + b.id() + "/api-keys", b.owner(),
                "{\"name\":\"b\",\"role\":\"OWNER\"}")).get("key").asString()};
        for (Endpoint e : endpoints) {
            assertThat(probe(e, keyOfB, idsOfA).statusCode()).as("%s with B's key", e).isEqualTo(404);
        }
        assertThat(tenantRows(a.id())).isEqualTo(before);
    }

    @Test
    void everyRoleAsAPersonGetsExactlyItsCells() {
        for (Role role : Role.values()) {
            Person person = role == Role.OWNER ? a.owner() : joined(a.id(), role.name());
            for (Endpoint e : endpoints) {
                int status = probe(e, person.auth(), idsOfA).statusCode();
                if (e.permission().grantedTo(role)) {
                    assertThat(status).as("%s as %s", e, role).isNotIn(401, 403);
                } else {
                    assertThat(status).as("%s as %s", e, role).isEqualTo(403);
                }
            }
        }
    }

    @Test
    void everyRoleAsAnApiKeyGetsExactlyItsCellsButNeverCreatesKeys() {
        for (Role role : Role.values()) {
            String[] key = keyFor(role.name(), null);
            for (Endpoint e : endpoints) {
                int status = probe(e, key, idsOfA).statusCode();
                if (e.permission().grantedTo(role) && !e.personOnly()) {
                    assertThat(status).as("%s as a %s key", e, role).isNotIn(401, 403);
                } else {
                    assertThat(status).as("%s as a %s key", e, role).isEqualTo(403);
                }
            }
        }
    }

    @Test
    void aProjectScopedKeyReachesOnlyItsProjectAndItsDocuments() {
        String[] key = keyFor("MEMBER", UUID.fromString(idsOfA.get("projectId")));
        Map<String, String> otherProject = new LinkedHashMap<>(idsOfA);
        otherProject.put("projectId", otherProjectOfA.toString());
        int reached = 0;
        for (Endpoint e : endpoints) {
            int status = probe(e, key, idsOfA).statusCode();
            if (e.variables().contains("projectId")) {
                // A people-only endpoint (promotion: docs/signatures.md) refuses every key, even in its project.
                if (e.permission().grantedTo(Role.MEMBER) && !e.personOnly()) {
                    assertThat(status).as("%s in the key's project", e).isNotIn(401, 403, 404);
                    reached++;
                } else {
                    assertThat(status).as("%s in the key's project", e).isEqualTo(403);
                }
                assertThat(probe(e, key, otherProject).statusCode()).as("%s in another project", e).isEqualTo(404);
            } else {
                assertThat(status).as("%s outside any project", e).isEqualTo(404);
            }
        }
        assertThat(reached).isGreaterThanOrEqualTo(8);
    }
}
