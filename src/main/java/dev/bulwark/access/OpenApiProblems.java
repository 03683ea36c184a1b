package dev.bulwark.access;

import java.util.Map;

import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;

/** Problem responses (RFC 9457) as the OpenAPI description states them: one shared schema, referenced by every error. */
public final class OpenApiProblems {

    /** The name of the problem schema among the description's components. */
    public static final String SCHEMA = "Problem";

    private OpenApiProblems() {
    }

    public static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + SCHEMA))));
    }

    /** A 429 problem with its {@code Retry-After} header. */
    public static ApiResponse tooManyRequests(String description) {
        return problem(description).addHeaderObject("Retry-After",
                new Header().description("Seconds until the budget allows a request again.").schema(new IntegerSchema()));
    }

    @SuppressWarnings("rawtypes")
    public static Schema<?> schema() {
        Map<String, Schema> fieldError = Map.of("field", new StringSchema(), "message", new StringSchema());
        return new ObjectSchema().description("An RFC 9457 problem. Never carries a stack trace, SQL or a class name.")
                .addProperty("type", new StringSchema().format("uri").description("https://bulwark.dev/problems/<slug>, a stable slug.")
                        .example("https://bulwark.dev/problems/validation-failed"))
                .addProperty("title", new StringSchema().example("Validation failed"))
                .addProperty("status", new IntegerSchema().minimum(java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(599))
                        .example(400))
                .addProperty("detail", new StringSchema().example("The request has invalid fields."))
                .addProperty("instance", new StringSchema().format("uri-reference").description("The path of the request."))
                .addProperty("requestId", new StringSchema().description("The X-Request-Id of the request, for support."))
                .addProperty("errors", new ArraySchema().description("For validation-failed: each field and what is wrong with it.")
                        .items(new ObjectSchema().properties(fieldError).required(java.util.List.of("field", "message"))))
                .required(java.util.List.of("type", "title", "status"));
    }
}
