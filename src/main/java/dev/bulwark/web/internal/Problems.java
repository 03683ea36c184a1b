package dev.bulwark.web.internal;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.bulwark.shared.InvalidInputException.FieldProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** RFC 9457 problem details with Bulwark's stable type URIs. Details are written for people, never from internals. */
public final class Problems {

    public static final String TYPE_BASE = "https://bulwark.dev/problems/";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + slug));
        problem.setTitle(title);
        return problem;
    }

    public static ProblemDetail validation(List<FieldProblem> problems) {
        ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "validation-failed", "Invalid input",
                "The request has " + problems.size() + (problems.size() == 1 ? " invalid field." : " invalid fields."));
        problem.setProperty("errors", problems.stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList());
        return problem;
    }

    /** A generic problem for a status, with its standard title as detail. */
    public static ProblemDetail forStatus(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String slug = known == null ? "error" : known.name().toLowerCase().replace('_', '-');
        return of(HttpStatusCode.valueOf(status), slug, title, detailFor(status, title));
    }

    private static String detailFor(int status, String title) {
        return switch (status) {
            case 401 -> "Authentication is required: a valid bearer token.";
            case 403 -> "You are not allowed to do this.";
            case 404 -> "There is nothing here.";
            case 405 -> "This method is not supported on this resource.";
            case 413 -> "The request body is too large.";
            case 415 -> "This media type is not supported; send application/json.";
            case 500 -> "Something went wrong on our side. The request id identifies it in our logs.";
            default -> title + ".";
        };
    }

    /** The current request's path as a problem's {@code instance}; null outside a request. */
    static URI instance() {
        try {
            return instance(ServletUriComponentsBuilder.fromCurrentRequestUri().build().getPath());
        } catch (IllegalStateException noRequest) {
            return null;
        }
    }

    /** {@code path} as a problem's {@code instance}; null when it is not a URI (a malformed escape the refusal is about). */
    static URI instance(String path) {
        try {
            return path == null ? null : URI.create(path);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
