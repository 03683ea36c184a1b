package dev.bulwark.access.internal;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.bulwark.IntegrationTest;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI description, linted by a validator that is not springdoc (swagger-parser, with its own
 * validation messages) and by our rule set: every operation has a summary, a stable {@code module.method} id, exactly
 * one declared tag, a typed schema for each 2xx body and for its request body, documented 4xx answers (for anything
 * that takes input or a credential) that are problem documents, and no {@code *}{@code /*} media type. Each failure lists every operation that breaks a rule and
 * what it lacks, so an endpoint added on another branch is named precisely after a merge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDescriptionLintTest extends IntegrationTest {

    /** {@code module.method}: the module's package name, then a Java-style method name. */
    static final Pattern OPERATION_ID = Pattern.compile("[a-z][a-z0-9]*\\.[a-z][A-Za-z0-9]*");

    private String served;
    private OpenAPI openApi;

    @BeforeAll
    void read() throws IOException {
        HttpResponse<String> response = get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        served = response.body();
        // Kept for reading after a failure, and for generating a client by hand (docs/api.md).
        Path copy = Path.of("target", "openapi", "bulwark-api.json");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, served);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIParser().readContents(served, null, options);
        assertThat(result.getMessages()).as("swagger-parser's validation messages").isEmpty();
        openApi = result.getOpenAPI();
        assertThat(openApi).isNotNull();
    }

    @Test
    void theIndependentValidatorFindsNoError() {
        // read() already failed on any message; this states the check as its own test and its version of OpenAPI.
        assertThat(openApi.getOpenapi()).startsWith("3.");
        assertThat(openApi.getPaths()).hasSizeGreaterThan(60);
    }

    @Test
    void everyOperationFollowsTheRules() {
        Set<String> declaredTags = new LinkedHashSet<>();
        if (openApi.getTags() != null) {
            openApi.getTags().forEach(tag -> {
                declaredTags.add(tag.getName());
            });
        }
        Map<String, List<String>> lacks = new TreeMap<>();
        Map<String, List<String>> ids = new HashMap<>();
        int operations = 0;
        for (var path : openApi.getPaths().entrySet()) {
            for (var entry : path.getValue().readOperationsMap().entrySet()) {
                operations++;
                PathItem.HttpMethod method = entry.getKey();
                Operation operation = entry.getValue();
                String name = method + " " + path.getKey();
                List<String> problems = new ArrayList<>();
                if (operation.getSummary() == null || operation.getSummary().isBlank()) {
                    problems.add("a summary");
                }
                if (operation.getOperationId() == null || !OPERATION_ID.matcher(operation.getOperationId()).matches()) {
                    problems.add("an operationId of the form module.method (has " + operation.getOperationId() + ")");
                } else {
                    ids.computeIfAbsent(operation.getOperationId(), id -> new ArrayList<>()).add(name);
                }
                if (operation.getTags() == null || operation.getTags().size() != 1 || !declaredTags.contains(operation.getTags().getFirst())) {
                    problems.add("exactly one tag declared at the top (has " + operation.getTags() + ")");
                }
                if (operation.getRequestBody() != null) {
                    problems.addAll(untyped("its request body", operation.getRequestBody().getContent()));
                }
                boolean success = false;
                boolean clientError = false;
                for (var response : operation.getResponses().entrySet()) {
                    String status = response.getKey();
                    ApiResponse answer = response.getValue();
                    if (answer.getDescription() == null || answer.getDescription().isBlank()) {
                        problems.add("a description of its " + status + " answer");
                    }
                    if (status.startsWith("2")) {
                        success = true;
                        // 204, and a 202 that only acknowledges, have no body; any other 2xx states its type.
                        boolean bodiless = status.equals("204") || (status.equals("202") && answer.getContent() == null);
                        if (!bodiless) {
                            problems.addAll(untyped("its " + status + " answer", answer.getContent()));
                        }
                    } else if (status.matches("30[12378]")) {
                        // A redirect is the answer of a browser flow (single sign-on): it names where it leads.
                        success = true;
                        if (answer.getHeaders() == null || !answer.getHeaders().containsKey("Location")) {
                            problems.add("a Location header on its " + status + " answer");
                        }
                    } else if (status.startsWith("4") || status.startsWith("5")) {
                        clientError |= status.startsWith("4");
                        MediaType problem = answer.getContent() == null ? null : answer.getContent().get("application/problem+json");
                        if (problem == null || problem.getSchema() == null || !"#/components/schemas/Problem".equals(problem.getSchema().get$ref())) {
                            problems.add("the Problem schema as application/problem+json for its " + status + " answer");
                        }
                    }
                    if (answer.getContent() != null && answer.getContent().containsKey("*/*")) {
                        problems.add("a real media type for its " + status + " answer (has */*)");
                    }
                }
                if (!success) {
                    problems.add("a 2xx answer (or a redirect with its Location)");
                }
                // Anything that takes input or a credential can be refused; a public GET of a fixed document cannot.
                boolean takesInput = operation.getRequestBody() != null
                        || (operation.getParameters() != null && !operation.getParameters().isEmpty());
                boolean credentialed = operation.getSecurity() == null || !operation.getSecurity().isEmpty();
                if (!clientError && (takesInput || credentialed)) {
                    problems.add("a documented 4xx answer");
                }
                if (!problems.isEmpty()) {
                    lacks.put(name + " (" + operation.getOperationId() + ")", problems);
                }
            }
        }
        ids.forEach((id, where) -> {
            if (where.size() > 1) {
                lacks.put("operationId " + id, List.of("uniqueness: used by " + where));
            }
        });
        StringBuilder report = new StringBuilder();
        lacks.forEach((operation, what) -> report.append("\n  ").append(operation).append(" lacks: ").append(String.join("; ", what)));
        assertThat(lacks).as("operations that break the description's rules (%d of %d):%s", lacks.size(), operations, report).isEmpty();
        assertThat(served).as("no */* media type anywhere").doesNotContain("\"*/*\"");
    }

    @Test
    void everyNamedSchemaIsTyped() {
        List<String> untyped = new ArrayList<>();
        openApi.getComponents().getSchemas().forEach((name, schema) -> {
            if (!typed(schema)) {
                untyped.add(name);
            }
            if (schema.getProperties() != null) {
                schema.getProperties().forEach((property, value) -> {
                    if (!typed((Schema<?>) value)) {
                        untyped.add(name + "." + property);
                    }
                });
            }
        });
        assertThat(untyped).as("schemas and properties with no type").isEmpty();
    }

    @Test
    void headersAndProblemAnswersAreStatedByRule() {
        var contacts = openApi.getPaths().get("/api/v1/orgs/{orgId}/contacts");
        var contact = openApi.getPaths().get("/api/v1/orgs/{orgId}/contacts/{contactId}");
        assertThat(contacts.getPost().getOperationId()).isEqualTo("workspace.createContact");
        assertThat(contacts.getPost().getTags()).containsExactly("workspace");
        assertThat(contacts.getPost().getParameters().getFirst().getName()).as("the organisation first").isEqualTo("orgId");
        assertThat(contacts.getPost().getResponses().get("201").getHeaders()).containsKeys("Location", "ETag", "RateLimit", "RateLimit-Policy");
        assertThat(contacts.getPost().getResponses()).containsKeys("400", "401", "403", "404", "409", "413", "415", "429");
        assertThat(contacts.getPost().getRequestBody().getContent()).containsOnlyKeys("application/json");
        assertThat(contacts.getPost().getResponses().get("201").getContent()).containsOnlyKeys("application/json");
        assertThat(contacts.getGet().getResponses().get("200").getHeaders()).containsKeys("RateLimit").doesNotContainKey("ETag");
        assertThat(contact.getGet().getResponses().get("200").getHeaders()).containsKeys("ETag");
        assertThat(contact.getGet().getResponses().get("304").getHeaders()).containsKeys("ETag");
        Schema<?> password = (Schema<?>) openApi.getComponents().getSchemas().get("SignupRequest").getProperties().get("password");
        assertThat(password.getMinLength()).isEqualTo(12);
        assertThat(password.getMaxLength()).isEqualTo(128);
        assertThat(contact.getPatch().getResponses()).containsKeys("409", "412", "415");
        assertThat(contacts.getPost().getResponses().get("429").getHeaders()).containsKey("Retry-After");

        Schema<?> newContact = openApi.getComponents().getSchemas().get("NewContact");
        assertThat(newContact.getRequired()).contains("name");
        Schema<?> name = (Schema<?>) newContact.getProperties().get("name");
        assertThat(name.getMaxLength()).as("from @CodePointLength").isEqualTo(200);
        assertThat(name.getExample()).isEqualTo("Ada Lovelace");
        assertThat(((Schema<?>) newContact.getProperties().get("phone")).getPattern()).isNotBlank();

        var login = openApi.getPaths().get("/api/v1/auth/login").getPost();
        assertThat(login.getOperationId()).isEqualTo("identity.login");
        assertThat(login.getResponses().get("200").getContent().get("application/json").getSchema().get$ref()).endsWith("/SignInAnswer");
        assertThat(login.getResponses().get("429").getHeaders()).containsKey("Retry-After");
        assertThat(login.getResponses()).doesNotContainKey("409");

        Schema<?> problem = openApi.getComponents().getSchemas().get("Problem");
        assertThat(problem.getRequired()).containsExactlyInAnyOrder("type", "title", "status");
        assertThat(problem.getProperties()).containsKeys("detail", "instance", "requestId", "errors");
    }

    @Test
    void theSecuritySchemesCoverEveryCredential() {
        assertThat(openApi.getComponents().getSecuritySchemes()).containsKeys("accessToken", "apiKey", "cookieSession");
    }

    /** What is missing from {@code content}: a media type other than *\/*, and for each a typed schema. */
    private static List<String> untyped(String what, Content content) {
        if (content == null || content.isEmpty()) {
            return List.of("a media type and schema for " + what);
        }
        List<String> problems = new ArrayList<>();
        content.forEach((type, media) -> {
            if (type.equals("*/*")) {
                problems.add("a real media type for " + what + " (has */*)");
            }
            if (media.getSchema() == null || !typed(media.getSchema())) {
                problems.add("a typed schema for " + what + " as " + type);
            }
        });
        return problems;
    }

    /** A reference, or a schema with a type; an object must name its properties or declare itself a map. */
    private static boolean typed(Schema<?> schema) {
        if (schema == null) {
            return false;
        }
        if (schema.get$ref() != null) {
            return true;
        }
        if (schema.getAllOf() != null || schema.getOneOf() != null || schema.getAnyOf() != null) {
            return true;
        }
        String type = schema.getType() != null ? schema.getType()
                : schema.getTypes() != null && !schema.getTypes().isEmpty() ? schema.getTypes().iterator().next() : null;
        if (type == null) {
            return false;
        }
        if (type.equals("object")) {
            // Named properties, or a declared map (additionalProperties: a schema, or true for free-form data such as
            // an audit event's before and after); a bare {"type": "object"} says nothing.
            return (schema.getProperties() != null && !schema.getProperties().isEmpty())
                    || schema.getAdditionalProperties() instanceof Schema<?>
                    || Boolean.TRUE.equals(schema.getAdditionalProperties());
        }
        if (type.equals("array")) {
            return typed(schema.getItems());
        }
        return true;
    }
}
