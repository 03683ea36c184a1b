package dev.bulwark.access.internal;

import java.lang.annotation.Annotation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.bulwark.access.OpenApiProblems;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.tags.Tag;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;

/**
 * The rules that complete every operation of the OpenAPI description from what the code already states, so that no
 * controller repeats them: the operation id and tag from the module, the problem answers of a write, the headers of
 * rate-limited, versioned and created resources, the tags' descriptions, examples by field name, and the limits of
 * {@link CodePointLength} (which springdoc does not read). Applied by {@link OpenApiDescription}.
 */
final class ApiConventions {

    private static final String BASE_PACKAGE = "dev.bulwark.";

    /** The description of each module's tag; a module missing here still gets its tag, with no description. */
    private static final Map<String, String> MODULES = Map.ofEntries(
            Map.entry("identity", "Accounts, sign-in, sessions, second factors, passkeys and password resets."),
            Map.entry("organisations", "The organisation, its members, invitations, security policy and encryption keys."),
            Map.entry("workspace", "Projects, documents, contacts and interactions: the organisation's own data."),
            Map.entry("apikeys", "The organisation's API keys, and reporting a leaked key."),
            Map.entry("audit", "The organisation's tamper-evident audit log: queries, verification, export, checkpoints and proofs."),
            Map.entry("privacy", "Data subject requests, retention, legal hold, the full export and the organisation's deletion."),
            Map.entry("webhooks", "Signed webhooks (Standard Webhooks) and their delivery log."),
            Map.entry("billing", "The organisation's subscription, kept current by Stripe's signed events."),
            Map.entry("ai", "The AI gateway: per-organisation policy, provider keys, sanitised completions, drafts and usage."),
            Map.entry("trust", "The trust center: the controls, their live checks and the evidence behind them."),
            Map.entry("web", "What every HTTP answer shares, and security.txt."));

    /** Example values by field name, for string fields that state none. */
    private static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("email", "ada@example.com"),
            Map.entry("name", "Ada Lovelace"),
            Map.entry("organisationName", "Analytical Engines Ltd"),
            Map.entry("phone", "+442071234567"),
            Map.entry("title", "Quarterly review"),
            Map.entry("subject", "Renewal call"),
            Map.entry("password", "violet-orbit-canyon-42-lantern"),
            Map.entry("notes", "Prefers email."),
            Map.entry("description", "Everything about the renewal."));

    private ApiConventions() {
    }

    /** The module of a handler class: the package under {@code dev.bulwark}, or null for a library's handler. */
    static String module(Class<?> type) {
        String name = type.getPackageName();
        if (!name.startsWith(BASE_PACKAGE)) {
            return null;
        }
        String rest = name.substring(BASE_PACKAGE.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /**
     * {@code module.method}: the id stated in {@code @Operation(operationId)} when there is one (it must then start
     * with its module), else the module and the Java method's name. Never springdoc's order-dependent {@code _1}
     * suffixes: ApiDescriptionLintTest fails on a clash and names both operations.
     */
    static String operationId(String module, HandlerMethod method) {
        io.swagger.v3.oas.annotations.Operation stated = method.getMethodAnnotation(io.swagger.v3.oas.annotations.Operation.class);
        if (stated != null && !stated.operationId().isBlank()) {
            return stated.operationId();
        }
        return module + "." + method.getMethod().getName();
    }

    /** 415 for a body, 409 for a write (any write that meets a constraint is a 409), Location for a created resource. */
    static void describeWrites(Operation operation, HandlerMethod method) {
        if (operation.getRequestBody() != null) {
            operation.getResponses().putIfAbsent("415",
                    OpenApiProblems.problem("The body's Content-Type is not one this operation accepts."));
        }
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RequestMapping.class);
        boolean write = mapping != null && List.of(mapping.method()).stream()
                .anyMatch(m -> m == RequestMethod.POST || m == RequestMethod.PUT || m == RequestMethod.PATCH || m == RequestMethod.DELETE);
        boolean declared = !(Declaration.of(method) instanceof Declaration.Open) && !(Declaration.of(method) instanceof Declaration.Undeclared);
        if (write && declared) {
            operation.getResponses().putIfAbsent("409", OpenApiProblems.problem(
                    "The write conflicts with the current state (a duplicate, or a concurrent change): nothing was written."));
        }
        ApiResponse created = operation.getResponses().get("201");
        if (created != null && ResponseEntity.class.isAssignableFrom(method.getMethod().getReturnType())) {
            created.addHeaderObject(HttpHeaders.LOCATION, new Header().description("The URL of the new resource.")
                    .schema(new StringSchema().format("uri-reference")));
        }
    }

    /** The rules that need the whole description: tags, rate-limit and ETag headers, examples. */
    static void complete(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        Set<String> tags = new TreeSet<>();
        Set<String> versioned = new HashSet<>();
        openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            if (operation.getTags() != null) {
                tags.addAll(operation.getTags());
            }
            if (operation.getParameters() != null && operation.getParameters().stream().anyMatch(p -> HttpHeaders.IF_MATCH.equals(p.getName()))) {
                versioned.add(path);
            }
        }));
        openApi.setTags(tags.stream().map(name -> new Tag().name(name).description(MODULES.get(name))).toList());
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((verb, operation) -> {
            boolean limited = operation.getResponses().containsKey("429");
            boolean tagged = versioned.contains(path)
                    || (verb == PathItem.HttpMethod.POST && versioned.stream().anyMatch(v -> isItemOf(v, path)));
            if (versioned.contains(path) && verb == PathItem.HttpMethod.GET) {
                operation.getResponses().putIfAbsent("304", new ApiResponse()
                        .description("Not modified: If-None-Match names the current version.")
                        .addHeaderObject(HttpHeaders.ETAG, new Header().schema(new StringSchema()).description("The current version.")));
            }
            operation.getResponses().forEach((status, answer) -> {
                if (!status.startsWith("2")) {
                    return;
                }
                if (limited) {
                    answer.addHeaderObject("RateLimit", new Header().schema(new StringSchema())
                            .description("What is left of each budget (IETF RateLimit headers), e.g. \"user\";r=599;t=1."));
                    answer.addHeaderObject("RateLimit-Policy", new Header().schema(new StringSchema())
                            .description("The budgets that apply, e.g. \"user\";q=600;w=60, \"org\";q=3000;w=60."));
                }
                if (tagged && !status.equals("204")) {
                    answer.addHeaderObject(HttpHeaders.ETAG, new Header().schema(new StringSchema())
                            .description("The resource's version, to send back in If-Match (and If-None-Match)."));
                }
            });
        }));
        if (openApi.getComponents() != null && openApi.getComponents().getSchemas() != null) {
            openApi.getComponents().getSchemas().values().forEach(ApiConventions::exemplify);
        }
    }

    /** Whether {@code item} is {@code collection/{id}}. */
    private static boolean isItemOf(String item, String collection) {
        return item.startsWith(collection + "/{") && item.indexOf('/', collection.length() + 1) < 0;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void exemplify(Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        schema.getProperties().forEach((name, property) -> {
            Schema field = property;
            boolean string = "string".equals(field.getType()) || (field.getTypes() != null && field.getTypes().contains("string"));
            if (field.getExample() == null && field.getExamples() == null && string && field.getFormat() == null
                    && field.getEnum() == null && EXAMPLES.containsKey(name)) {
                field.setExample(EXAMPLES.get(name));
            }
        });
    }

    /** {@link CodePointLength}'s bounds as minLength and maxLength (a code point is what JSON Schema counts). */
    @SuppressWarnings("rawtypes")
    static Schema limits(Schema property, Annotation[] annotations) {
        if (property == null || annotations == null) {
            return property;
        }
        for (Annotation annotation : annotations) {
            if (annotation instanceof CodePointLength length) {
                if (length.min() > 0) {
                    property.setMinLength(length.min());
                }
                if (length.max() < Integer.MAX_VALUE) {
                    property.setMaxLength(length.max());
                }
            }
        }
        return property;
    }
}
