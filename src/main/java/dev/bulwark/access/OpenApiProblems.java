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
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("errors", new ArraySchema().items(new ObjectSchema().properties(fieldError)));
    }
}
