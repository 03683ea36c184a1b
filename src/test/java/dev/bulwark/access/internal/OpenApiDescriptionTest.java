package dev.bulwark.access.internal;

import java.net.http.HttpResponse;
import java.util.Locale;

import dev.bulwark.IntegrationTest;
import dev.bulwark.access.Requires;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI description covers every endpoint of the running app and states each one's declared access rule. */
class OpenApiDescriptionTest extends IntegrationTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    private JsonNode description() {
        HttpResponse<String> response = get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return body(response);
    }

    @Test
    void everyEndpointIsDescribedWithTheRuleItEnforces() {
        JsonNode paths = description().get("paths");
        int checked = 0;
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            var info = entry.getKey();
            var method = entry.getValue();
            if (info.getPathPatternsCondition() == null || method.getBeanType().getName().startsWith("org.springdoc")
                    || method.getBeanType().getSimpleName().equals("ProblemErrorController")) {
                continue;
            }
            // Pages for people, not the API (docs/api.md): the console's, and the guest portal's confirmation form, each
            // hidden from the description on purpose; every other endpoint is described.
            if (method.getBeanType().getPackageName().startsWith("dev.bulwark.console")
                    || method.hasMethodAnnotation(io.swagger.v3.oas.annotations.Hidden.class)) {
                continue;
            }
            for (String path : info.getPathPatternsCondition().getPatternValues()) {
                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                    JsonNode operation = paths.path(path).path(verb.name().toLowerCase(Locale.ROOT));
                    assertThat(operation.isObject()).as("%s %s is described", verb, path).isTrue();
                    Requires requires = method.getMethodAnnotation(Requires.class);
                    if (requires != null) {
                        assertThat(operation.path(OpenApiDescription.PERMISSION).asString()).as("%s %s", verb, path)
                                .isEqualTo(requires.value().name());
                        for (String status : new String[] {"401", "403", "404", "429"}) {
                            assertThat(operation.path("responses").path(status).path("content").path("application/problem+json").isObject())
                                    .as("%s %s answers %s as a problem", verb, path, status).isTrue();
                        }
                        assertThat(operation.path("responses").path("429").path("headers").has("Retry-After")).isTrue();
                    } else {
                        assertThat(operation.has(OpenApiDescription.PERMISSION)).isFalse();
                    }
                    assertThat(operation.path(OpenApiDescription.ACCESS).asString()).as("%s %s", verb, path)
                            .isIn("public", "signed-in person", "organisation member");
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(40);
    }

    /**
     * Every record an endpoint answers with or reads as its body is described by a schema of its own, with exactly its
     * components: two records with the same simple name (there are many {@code Policy}, {@code Issued}, {@code Status}…)
     * must not share one schema, or a generated client would read one endpoint's answer with another's fields.
     */
    @Test
    void everyRecordInOrOutIsDescribedByItsOwnSchema() {
        JsonNode document = description();
        JsonNode schemas = document.path("components").path("schemas");
        java.util.Map<String, Class<?>> owners = new java.util.HashMap<>();
        java.util.List<String> problems = new java.util.ArrayList<>();
        int checked = 0;
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            var info = entry.getKey();
            var method = entry.getValue();
            if (info.getPathPatternsCondition() == null || !method.getBeanType().getPackageName().startsWith("dev.bulwark")
                    || method.getBeanType().getPackageName().startsWith("dev.bulwark.console")
                    || method.hasMethodAnnotation(io.swagger.v3.oas.annotations.Hidden.class)) {
                continue;
            }
            for (String path : info.getPathPatternsCondition().getPatternValues()) {
                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                    JsonNode operation = document.path("paths").path(path).path(verb.name().toLowerCase(Locale.ROOT));
                    String what = verb + " " + path;
                    Class<?> out = recordOf(method.getReturnType().getGenericParameterType());
                    if (out != null) {
                        JsonNode answered = null;
                        for (var response : operation.path("responses").properties()) {
                            if (response.getKey().startsWith("2")) {
                                answered = response.getValue().path("content").path("application/json").path("schema");
                                break;
                            }
                        }
                        assertThat(answered).as("%s answers a body", what).isNotNull();
                        checked += matches(what + " answer", answered, out, schemas, owners, problems);
                    }
                    for (var parameter : method.getMethodParameters()) {
                        if (parameter.hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class)) {
                            Class<?> in = recordOf(parameter.getGenericParameterType());
                            if (in != null) {
                                checked += matches(what + " body", operation.path("requestBody").path("content")
                                        .path("application/json").path("schema"), in, schemas, owners, problems);
                            }
                        }
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(40);
    }

    /** The record a handler's declared type is, inside a {@code ResponseEntity}, or null. */
    private static Class<?> recordOf(java.lang.reflect.Type type) {
        if (type instanceof java.lang.reflect.ParameterizedType p && p.getRawType() == org.springframework.http.ResponseEntity.class) {
            type = p.getActualTypeArguments()[0];
        }
        return type instanceof Class<?> c && c.isRecord() ? c : null;
    }

    private static int matches(String what, JsonNode schema, Class<?> record, JsonNode schemas, java.util.Map<String, Class<?>> owners,
                               java.util.List<String> problems) {
        String ref = schema.path("$ref").asString("");
        if (!ref.startsWith("#/components/schemas/")) {
            problems.add(what + ": no schema of its own for " + record.getName());
            return 0;
        }
        String name = ref.substring("#/components/schemas/".length());
        Class<?> owner = owners.putIfAbsent(name, record);
        if (owner != null && owner != record) {
            problems.add(what + ": schema " + name + " is both " + owner.getName() + "'s and " + record.getName() + "'s");
        }
        java.util.Set<String> expected = new java.util.TreeSet<>();
        for (var component : record.getRecordComponents()) {
            if (component.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonIgnore.class) == null
                    && component.getAnnotation(com.fasterxml.jackson.annotation.JsonIgnore.class) == null) {
                var renamed = component.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                expected.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName());
            }
        }
        java.util.Set<String> described = new java.util.TreeSet<>(schemas.path(name).path("properties").propertyNames());
        if (!described.equals(expected)) {
            problems.add(what + ": schema " + name + " has " + described + ", " + record.getName() + " has " + expected);
        }
        return 1;
    }

    @Test
    void theDescriptionNamesPermissionsRolesAndCredentials() {
        JsonNode document = description();
        JsonNode list = document.path("paths").path("/api/v1/orgs/{orgId}/contacts").path("get");
        assertThat(list.path(OpenApiDescription.PERMISSION).asString()).isEqualTo("READ_WORKSPACE");
        assertThat(list.path("description").asString()).contains("VIEWER", "AUDITOR");
        assertThat(list.path("security").toString()).contains("accessToken", "apiKey");

        JsonNode login = document.path("paths").path("/api/v1/auth/login").path("post");
        assertThat(login.path(OpenApiDescription.ACCESS).asString()).isEqualTo("public");
        assertThat(login.path("security").isArray() && login.path("security").isEmpty()).isTrue();
        assertThat(login.path("responses").has("400")).isTrue();
        assertThat(login.path("responses").path("429").path("headers").has("Retry-After")).isTrue();
        assertThat(login.path("responses").has("413")).isTrue();

        // Resolved by the server, never a client parameter.
        assertThat(document.toString()).doesNotContainIgnoringCase("\"name\":\"caller\"");
        assertThat(document.path("components").path("schemas").path(dev.bulwark.access.OpenApiProblems.SCHEMA).path("properties").has("errors")).isTrue();
    }
}
