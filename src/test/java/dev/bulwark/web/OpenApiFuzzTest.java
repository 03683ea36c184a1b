package dev.bulwark.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the OpenAPI description the running application serves, fuzzed: malformed content types and
 * bodies (invalid JSON, wrong types, huge numbers, deep nesting, duplicate keys, fractional integers, NUL bytes, SQL
 * metacharacters, a 2 MB body) and parameters (non-UUID ids, NUL bytes, overlong strings, forged cursors and limits),
 * as owners of a fresh organisation who signed in moments ago (so step-up holds and requests reach the handlers). No
 * answer may be a 5xx or a non-problem error; a new endpoint is fuzzed as soon as it is described. Deterministic (a fixed
 * seed picks the variants), sequential, and spread over several owners so no request budget runs dry.
 */
class OpenApiFuzzTest extends IntegrationTest {

    private static final long SEED = 20_261_204L;
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random = new Random(SEED);

    private JsonNode description;
    private final Map<String, String> fixtures = new HashMap<>();
    private final List<Person> owners = new ArrayList<>();
    private int turn;

    private record Operation(String method, String path, JsonNode spec) {

        /** Operations that end sessions, destroy fixtures or the organisation run last, the organisation's end very last. */
        int rank() {
            if (path.endsWith("/deletion")) {
                return method.equals("post") ? 3 : 4;
            }
            boolean destructive = method.equals("delete") || path.contains("/logout") || path.contains("/keys")
                    || path.contains("/password") || path.contains("/members/");
            return destructive ? 2 : 1;
        }
    }

    private record Case(Operation operation, String label, String pathAndQuery, String body, List<String> headers) {
    }

    @Test
    void noOperationAnswersA5xxToMalformedInput() throws Exception {
        Tenant tenant = newTenant();
        owners.add(tenant.owner());
        for (int i = 0; i < 5; i++) {
            owners.add(joined(tenant.id(), "OWNER"));
        }
        seedFixtures(tenant);
        description = body(get("/v3/api-docs"));

        List<Operation> operations = new ArrayList<>();
        description.get("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (METHODS.contains(method.getKey())) {
                operations.add(new Operation(method.getKey(), path.getKey(), method.getValue()));
            }
        }));
        operations.sort(Comparator.comparingInt(Operation::rank).thenComparing(Operation::path).thenComparing(Operation::method));
        assertThat(operations).as("the description lists the API").hasSizeGreaterThan(50);

        List<String> findings = new ArrayList<>();
        int sent = 0;
        for (Operation operation : operations) {
            for (Case c : cases(operation)) {
                HttpResponse<String> response = send(c);
                sent++;
                String found = judge(response);
                if (found != null) {
                    findings.add(operation.method().toUpperCase() + " " + operation.path() + " [" + c.label() + "] " + c.pathAndQuery()
                            + " -> " + found);
                }
            }
            if (operation.rank() > 1) {
                signInAgainWhereSignedOut();
            }
        }
        assertThat(findings).as("answers to %d fuzzed requests that were a 5xx, a 429 or not problem JSON", sent).isEmpty();
    }

    /** Null when the answer is acceptable; else what is wrong with it. */
    private static String judge(HttpResponse<String> response) {
        int status = response.statusCode();
        String snippet = response.body().length() > 300 ? response.body().substring(0, 300) : response.body();
        if (status >= 500) {
            return status + " " + snippet;
        }
        if (status == 429) {
            return "429: a request budget ran dry, so the fuzz stopped reaching handlers";
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status >= 400 && !type.startsWith("application/problem+json")) {
            return status + " as " + type + ": " + snippet;
        }
        return null;
    }

    private HttpResponse<String> send(Case c) {
        Person as = owners.get(turn++ % owners.size());
        HttpRequest.BodyPublisher body = c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.pathAndQuery()))
                .timeout(Duration.ofSeconds(60)).method(c.operation().method().toUpperCase(), body).headers(as.auth());
        if (c.body() != null && c.headers().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < c.headers().size(); i += 2) {
            request.header(c.headers().get(i), c.headers().get(i + 1));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(c.operation().method() + " " + c.pathAndQuery() + " [" + c.label() + "]: no answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ----- the cases of one operation

    private static final List<String> ID_VARIANTS = List.of("not-a-uuid", "%00", "abc%00def", "%01", "1", "-1", "99999999999999999999",
            "x".repeat(300), "%27%20OR%201%3D1--", "%E2%80%AE", "null", "00000000-0000-0000-0000-000000000000", "%F0%9F%92%A9",
            "..%2F..", "%20");
    private static final List<String> TEXT_VARIANTS = List.of("%00", "a%00b", "x".repeat(3000), "%27%3B%20DROP%20TABLE%20users%3B--",
            "", "%F0%9F%92%A9", "%0D%0Ainjected", "%25ZZ", "true", "-1", "%2B99999-01-01T00:00:00Z");
    private static final List<String> INTEGER_VARIANTS = List.of("-1", "0", "99999999999999999999", "2147483648", "1.5", "1e2", "abc",
            "%00", "-9223372036854775808", "");
    private static final List<String> TIME_VARIANTS = List.of("99999-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
            "%2B99999-01-01T00:00:00Z", "now", "2026-02-30T00:00:00Z", "%00");
    private static final List<String> CURSOR_VARIANTS = List.of("!!!", cursor("garbage"), cursor("v1:-9223372036854775808:"
            + new UUID(0, 0)), cursor("v1:9223372036854775807:" + new UUID(0, 0)), cursor("n1:-9223372036854775808"),
            cursor("n1:99999999999999999999"), "A".repeat(5000), cursor("v1:1:2:3:4"), "%00");
    private static final List<String> HEADER_VARIANTS = List.of("garbage", "\"x\"", "W/\"1\"", "*", "x".repeat(2000), "\"", "*/*",
            "application/zip", "text/html", ";;;");
    private static final List<String> CONTENT_TYPES = List.of("*/*", "application/*", "text/plain", ";;;", "application/json; charset=bogus",
            "application/xml", "application/merge-patch+json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
            "application/json; charset=utf-16");
    private static final List<String> BODIES = List.of("", "{", "[]", "null", "\"text\"", "123", "{\"a\":1,\"a\":2}", "{}",
            "{\"\u0000\":1}", "[" .repeat(40) + "]".repeat(40), "{\"a\":".repeat(40) + "1" + "}".repeat(40), "\uFEFF{}",
            "{\"x\":\"\\ud800\"}", "{\"x\":1e99999}", "'; DROP TABLE contacts; --");

    private static String cursor(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private List<String> pick(List<String> pool, int count) {
        List<String> copy = new ArrayList<>(pool);
        java.util.Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(count, copy.size()));
    }

    private List<Case> cases(Operation operation) {
        List<Case> cases = new ArrayList<>();
        List<JsonNode> parameters = new ArrayList<>();
        operation.spec().path("parameters").forEach(parameters::add);
        String body = operation.spec().has("requestBody") ? baselineBody(operation) : null;

        cases.add(new Case(operation, "baseline", url(operation, parameters, null, null), body, List.of()));
        for (JsonNode parameter : parameters) {
            String name = parameter.get("name").asString();
            String where = parameter.get("in").asString();
            for (String value : pick(variantsFor(parameter), 3)) {
                switch (where) {
                    case "path", "query" -> cases.add(new Case(operation, where + " " + name, url(operation, parameters, name, value), body,
                            List.of()));
                    case "header" -> cases.add(new Case(operation, "header " + name, url(operation, parameters, null, null), body,
                            List.of(name, value)));
                    case "cookie" -> cases.add(new Case(operation, "cookie " + name, url(operation, parameters, null, null), body,
                            List.of("Cookie", name + "=" + value.replace(';', 'x'))));
                    default -> {
                    }
                }
            }
        }
        if (body == null) {
            return cases;
        }
        String plain = url(operation, parameters, null, null);
        for (String type : pick(CONTENT_TYPES, 3)) {
            cases.add(new Case(operation, "content type", plain, body, List.of("Content-Type", type)));
        }
        for (String malformed : pick(BODIES, 4)) {
            cases.add(new Case(operation, "body", plain, malformed, List.of()));
        }
        // Just under Tomcat's 2 MiB swallow limit, so the connection survives the 413.
        cases.add(new Case(operation, "2 MB body", plain, "{\"x\":\"" + "y".repeat(2_000_000) + "\"}", List.of()));
        JsonNode schema = resolve(operation.spec().path("requestBody").path("content").path("application/json").path("schema"));
        for (Map.Entry<String, JsonNode> field : schema.path("properties").properties()) {
            for (String value : pick(fieldMutations(), 2)) {
                cases.add(new Case(operation, "field " + field.getKey(), plain, withField(body, field.getKey(), value), List.of()));
            }
            cases.add(new Case(operation, "duplicate " + field.getKey(), plain,
                    body.substring(0, body.lastIndexOf('}')) + (body.trim().equals("{}") ? "" : ",") + "\"" + field.getKey() + "\":"
                            + sample(field.getValue(), field.getKey(), 0) + ",\"" + field.getKey() + "\":" + sample(field.getValue(), field.getKey(), 0) + "}",
                    List.of()));
        }
        return cases;
    }

    private List<String> fieldMutations() {
        return List.of("1.5", "1e2", "99999999999999999999999", "-1", "1e400", "true", "[]", "{}", "null", "\"\"", "\"a\\u0000b\"",
                "\"'; DROP TABLE users; --\"", "\"" + "x".repeat(10_001) + "\"", "\"" + "x".repeat(300) + "\"",
                "\"+99999-01-01T00:00:00Z\"", "\"not-a-uuid\"", "[\"*\", 1, null]", "\"\\u202e\"", "-9223372036854775809",
                "\"=HYPERLINK(\\\"http://evil\\\")\"");
    }

    private List<String> variantsFor(JsonNode parameter) {
        String name = parameter.get("name").asString();
        JsonNode schema = parameter.path("schema");
        String type = schema.path("type").asString("");
        String format = schema.path("format").asString("");
        if (parameter.get("in").asString().matches("header|cookie")) {
            return HEADER_VARIANTS;
        }
        if (name.equals("cursor")) {
            return CURSOR_VARIANTS;
        }
        if (parameter.get("in").asString().equals("path")) {
            return ID_VARIANTS;
        }
        if (format.equals("date-time")) {
            return TIME_VARIANTS;
        }
        if (type.equals("integer")) {
            return INTEGER_VARIANTS;
        }
        if (format.equals("uuid")) {
            return ID_VARIANTS;
        }
        return TEXT_VARIANTS;
    }

    /** The operation's URL with every path parameter a fixture and every required query parameter a plain value; {@code fuzzed} gets {@code value}. */
    private String url(Operation operation, List<JsonNode> parameters, String fuzzed, String value) {
        String path = operation.path();
        StringBuilder query = new StringBuilder();
        for (JsonNode parameter : parameters) {
            String name = parameter.get("name").asString();
            String in = parameter.get("in").asString();
            boolean isFuzzed = name.equals(fuzzed);
            if (in.equals("path")) {
                path = path.replace("{" + name + "}", isFuzzed ? value : fixture(name, parameter.path("schema")));
            } else if (in.equals("query") && (isFuzzed || parameter.path("required").asBoolean(false))) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(isFuzzed ? value : fixture(name, parameter.path("schema")));
            }
        }
        return path + query;
    }

    private String fixture(String name, JsonNode schema) {
        if (fixtures.containsKey(name)) {
            return fixtures.get(name);
        }
        return switch (schema.path("type").asString("")) {
            case "integer" -> "1";
            case "boolean" -> "true";
            default -> schema.path("format").asString("").equals("uuid") ? UUID.randomUUID().toString() : "x";
        };
    }

    // ----- bodies from the schema

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        if (ref.startsWith("#/components/schemas/")) {
            return description.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }

    /** A body that satisfies the schema as far as its types, formats and enums say, fixtures for ids. */
    private String baselineBody(Operation operation) {
        JsonNode content = operation.spec().path("requestBody").path("content");
        JsonNode schema = content.has("application/json") ? content.get("application/json").path("schema")
                : content.properties().iterator().hasNext() ? content.properties().iterator().next().getValue().path("schema") : null;
        return schema == null ? "{}" : sample(schema, "", 0);
    }

    private String sample(JsonNode given, String name, int depth) {
        JsonNode schema = resolve(given);
        if (depth > 4) {
            return "null";
        }
        if (schema.has("enum")) {
            return json.writeValueAsString(schema.get("enum").get(0).asString());
        }
        String format = schema.path("format").asString("");
        return switch (schema.path("type").asString("object")) {
            case "integer" -> String.valueOf(Math.max(1, schema.path("minimum").asLong(1)));
            case "number" -> "1";
            case "boolean" -> "false";
            case "array" -> "[" + sample(schema.path("items"), name, depth + 1) + "]";
            case "string" -> json.writeValueAsString(switch (format) {
                case "uuid" -> fixtures.getOrDefault(name, UUID.randomUUID().toString());
                case "email" -> uniqueEmail();
                case "date-time" -> Instant.now().plus(Duration.ofDays(1)).toString();
                default -> name.toLowerCase().contains("email") ? uniqueEmail() : "Fuzz value";
            });
            default -> {
                Map<String, String> fields = new LinkedHashMap<>();
                schema.path("properties").properties().forEach(p -> fields.put(p.getKey(), sample(p.getValue(), p.getKey(), depth + 1)));
                StringBuilder object = new StringBuilder("{");
                fields.forEach((k, v) -> object.append(object.length() > 1 ? "," : "").append(json.writeValueAsString(k)).append(':').append(v));
                yield object.append('}').toString();
            }
        };
    }

    /** {@code body} (a JSON object) with {@code field} set to the raw JSON {@code value}. */
    private String withField(String body, String field, String value) {
        Map<String, Object> fields = new LinkedHashMap<>();
        json.readTree(body).properties().forEach(p -> fields.put(p.getKey(), p.getValue()));
        fields.put(field, "\u0001RAW\u0001");
        return json.writeValueAsString(fields).replace("\"\\u0001RAW\\u0001\"", value);
    }

    // ----- fixtures and owners

    private void seedFixtures(Tenant tenant) {
        Person owner = tenant.owner();
        String org = "/api/v1/orgs/" + tenant.id();
        fixtures.put("orgId", tenant.id().toString());
        fixtures.put("projectId", created(call("POST", org + "/projects", owner, "{\"name\":\"Fuzz project\"}")));
        fixtures.put("documentId", created(call("POST", org + "/projects/" + fixtures.get("projectId") + "/documents", owner,
                "{\"title\":\"Fuzz document\",\"body\":\"<p>Body</p>\"}")));
        fixtures.put("contactId", created(call("POST", org + "/contacts", owner, "{\"name\":\"Fuzz contact\",\"email\":\"fuzz@acme.example\"}")));
        fixtures.put("interactionId", created(call("POST", org + "/contacts/" + fixtures.get("contactId") + "/interactions", owner,
                "{\"channel\":\"note\",\"subject\":\"Fuzz\",\"body\":\"Body\"}")));
        fixtures.put("keyId", created(call("POST", org + "/api-keys", owner, "{\"name\":\"Fuzz key\",\"role\":\"VIEWER\"}")));
        fixtures.put("userId", joined(tenant.id(), "MEMBER").id().toString());
        // A second session of the owner's, for the session endpoints to end.
        Person again = signIn(owner.email(), owner.id());
        for (JsonNode session : body(call("GET", "/api/v1/me/sessions", again, null)).get("items")) {
            if (session.get("current").asBoolean()) {
                fixtures.put("sessionId", session.get("id").asString());
            }
        }
        fixtures.put("version", "1");
        fixtures.put("dataClass", "interaction.call");
        fixtures.put("name", "http-hardening");
    }

    private String created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return body(response).get("id").asString();
    }

    /** An owner whose session a destructive operation ended signs in again, so what follows still reaches the handlers. */
    private void signInAgainWhereSignedOut() {
        for (int i = 0; i < owners.size(); i++) {
            Person owner = owners.get(i);
            if (call("GET", "/api/v1/me", owner, null).statusCode() == 401) {
                owners.set(i, signIn(owner.email(), owner.id()));
            }
        }
    }
}
