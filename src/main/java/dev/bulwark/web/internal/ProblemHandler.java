package dev.bulwark.web.internal;

import java.net.URI;
import java.util.List;

import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.InvalidInputException.FieldProblem;
import dev.bulwark.shared.KeyUnavailableException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.PreconditionFailedException;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.shared.ServiceUnavailableException;
import dev.bulwark.shared.Rfc3339;
import dev.bulwark.shared.StepUpRequiredException;
import dev.bulwark.shared.TooManyRequestsException;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.shared.UndecryptableFieldException;
import dev.bulwark.web.OverloadProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error a controller raises becomes RFC 9457 problem JSON with a stable type, the request id, and a detail
 * written for people: never a stack trace, SQL text or class name.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final String retryAfter;

    ProblemHandler(OverloadProperties overload) {
        this.retryAfter = Long.toString(overload.retryAfter().toSeconds());
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<Object> invalidInput(InvalidInputException e, WebRequest request) {
        return respond(Problems.validation(e.problems()), request);
    }

    @ExceptionHandler(RefusedException.class)
    ResponseEntity<Object> refused(RefusedException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.valueOf(e.status()), e.slug(), e.title(), e.getMessage()), request);
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Object> conflict(ConflictException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.CONFLICT, "conflict", "Conflict", e.getMessage()), request);
    }

    @ExceptionHandler(UnauthenticatedException.class)
    ResponseEntity<Object> unauthenticated(UnauthenticatedException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", e.getMessage()),
                HttpHeaders.WWW_AUTHENTICATE, "Bearer", request);
    }

    @ExceptionHandler(ForbiddenException.class)
    ResponseEntity<Object> forbidden(ForbiddenException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage()), request);
    }

    @ExceptionHandler(StepUpRequiredException.class)
    ResponseEntity<Object> stepUp(StepUpRequiredException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.UNAUTHORIZED, "step-up-required", "Step-up required", e.getMessage()),
                HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_user_authentication\"", request);
    }

    /** A stored value that does not decrypt where it was read: moved, altered or shredded. Never someone else's data. */
    @ExceptionHandler(UndecryptableFieldException.class)
    ResponseEntity<Object> undecryptable(UndecryptableFieldException e, WebRequest request) {
        // A 500 like any other: the line carries the request id the problem body shows, for the operator to find.
        log.error("{}", e.getMessage());
        return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "undecryptable-data", "Stored data cannot be decrypted",
                e.getMessage()), request);
    }

    @ExceptionHandler(KeyUnavailableException.class)
    ResponseEntity<Object> keyUnavailable(KeyUnavailableException e, WebRequest request) {
        log.warn("An organisation's key cannot be used: {}", e.getMessage());
        return respond(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "key-unavailable", "Encryption key unavailable",
                "This organisation's encryption key cannot be used: its key management service refuses or cannot be reached."),
                request);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not Found", e.getMessage()), request);
    }

    @ExceptionHandler(PreconditionFailedException.class)
    ResponseEntity<Object> preconditionFailed(PreconditionFailedException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.PRECONDITION_FAILED, "precondition-failed", "Precondition Failed", e.getMessage()),
                request);
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<Object> tooMany(TooManyRequestsException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-requests", "Too Many Requests", e.getMessage()),
                HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()), request);
    }

    /** No room for the request now (e.g. no spooling slot for an export in time): 503 to retry, as the edge answers. */
    @ExceptionHandler(ServiceUnavailableException.class)
    ResponseEntity<Object> unavailable(ServiceUnavailableException e, WebRequest request) {
        return respond(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable", e.getMessage()),
                HttpHeaders.RETRY_AFTER, retryAfter, request);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> integrity(DataIntegrityViolationException e, WebRequest request) {
        log.warn("A write broke a database constraint: {}", e.getMostSpecificCause().getClass().getSimpleName());
        return respond(Problems.of(HttpStatus.CONFLICT, "conflict", "Conflict",
                "The request conflicts with data that already exists."), request);
    }

    /** No pooled connection in time, or the database unreachable: 503 to retry, never a 500 (docs/resilience.md). */
    @ExceptionHandler({DataAccessResourceFailureException.class, CannotCreateTransactionException.class})
    ResponseEntity<Object> databaseUnavailable(Exception e, WebRequest request) {
        if (DatabaseUnavailable.storageFull(e)) {
            log.error("STORAGE FULL: the database refused a write for lack of space (SQLSTATE 53100); answered 503");
        } else {
            log.warn("Database unavailable: {}", e.getMessage());
        }
        return respond(DatabaseUnavailable.problem(e), HttpHeaders.RETRY_AFTER, retryAfter, request);
    }

    /**
     * Two transactions waited for each other (a deadlock, e.g. two admins removing each other at once, each request
     * holding its own grant of access) or a lock could not be had: PostgreSQL undid this one, nothing of it was
     * written, and the same request may simply be sent again. 503 with Retry-After, never a 500.
     */
    @ExceptionHandler(PessimisticLockingFailureException.class)
    ResponseEntity<Object> lockConflict(PessimisticLockingFailureException e, WebRequest request) {
        log.warn("A transaction was undone to break a lock conflict: {}", e.getMostSpecificCause().getMessage());
        return respond(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                        "This request collided with another one changing the same thing and was undone: nothing was written."
                                + " Retry after the time in Retry-After."),
                HttpHeaders.RETRY_AFTER, retryAfter, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        if (DatabaseUnavailable.causes(e)) {
            return databaseUnavailable(e, request);
        }
        log.error("Unhandled error", e);
        return respond(Problems.forStatus(500), request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException) {
                return respond(Problems.forStatus(413), request);
            }
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return respond(Problems.validation(List.of(new FieldProblem(path(unknown), "is not a known field"))), request);
            }
            if (cause instanceof InvalidFormatException invalid && invalid.getValue() instanceof String
                    && invalid.getTargetType() == String.class && !invalid.getPath().isEmpty()) {
                return respond(Problems.validation(List.of(new FieldProblem(path(invalid), TextGuard.NOT_TEXT))), request);
            }
            if (cause instanceof InvalidFormatException invalid && invalid.getTargetType() == java.time.Instant.class
                    && !invalid.getPath().isEmpty()) {
                return respond(Problems.validation(List.of(new FieldProblem(path(invalid), Rfc3339.RULE))), request);
            }
            if (cause instanceof InvalidFormatException invalid && invalid.getTargetType() != null
                    && invalid.getTargetType().isEnum() && !invalid.getPath().isEmpty()) {
                return respond(Problems.validation(List.of(new FieldProblem(path(invalid),
                        "must be one of " + wireNames(invalid.getTargetType())))), request);
            }
            if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
                return respond(Problems.validation(List.of(new FieldProblem(path(mismatch), "has the wrong type"))), request);
            }
            if (cause instanceof StreamReadException) {
                return respond(Problems.of(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                        "The request body is not well-formed JSON."), request);
            }
        }
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "unreadable-body", "Unreadable request body",
                "The request needs a JSON object body."), request);
    }

    /** A path variable or query parameter of the wrong type (an id that is not a UUID, a limit that is not a number). */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers, HttpStatusCode status,
                                                        WebRequest request) {
        String field = e instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName() : e.getPropertyName();
        String message = e.getRequiredType() == java.time.Instant.class ? Rfc3339.RULE : "has the wrong type";
        return respond(Problems.validation(List.of(new FieldProblem(field == null ? "$" : field, message))), request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldProblem(f.getField(), f.getDefaultMessage()))
                .sorted(java.util.Comparator.comparing(FieldProblem::field))
                .toList();
        return respond(Problems.validation(problems), request);
    }

    /** An enum's constants as JSON spells them (their {@code @JsonProperty} name, else the constant's name). */
    private static String wireNames(Class<?> enumType) {
        return java.util.Arrays.stream(enumType.getEnumConstants())
                .map(constant -> {
                    String name = ((Enum<?>) constant).name();
                    try {
                        JsonProperty property = enumType.getField(name).getAnnotation(JsonProperty.class);
                        return property == null ? name : property.value();
                    } catch (NoSuchFieldException impossible) {
                        return name;
                    }
                })
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The JSON path of the offending field, as {@code a.b[0].c}. */
    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "$" : path.toString();
    }

    private ResponseEntity<Object> respond(ProblemDetail problem, WebRequest request) {
        return createResponseEntity(problem, new HttpHeaders(), HttpStatusCode.valueOf(problem.getStatus()), request);
    }

    private ResponseEntity<Object> respond(ProblemDetail problem, String header, String value, WebRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(header, value);
        return createResponseEntity(problem, headers, HttpStatusCode.valueOf(problem.getStatus()), request);
    }

    /** The single exit: every problem gets a Bulwark type, the path as instance, and the request id. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                          WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail given ? given : Problems.forStatus(status.value());
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            ProblemDetail standard = Problems.forStatus(status.value());
            problem.setType(standard.getType());
            problem.setTitle(standard.getTitle());
            problem.setDetail(standard.getDetail());
        }
        URI instance = Problems.instance();
        if (instance != null) {
            problem.setInstance(instance);
        }
        String requestId = MDC.get(RequestIdFilter.MDC_KEY);
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(problem, out, status);
    }
}
