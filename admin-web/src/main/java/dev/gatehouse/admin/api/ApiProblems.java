package dev.gatehouse.admin.api;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ForbiddenException;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns any exception an API call can end in into an RFC 9457 problem detail whose {@code detail}
 * names the problem in words a script author can act on. Never includes a stack trace or an
 * internal class name; unexpected failures are logged here and answered with a generic 500.
 *
 * <p>Extra members: {@code errors} ({@code [{field, message}]}) for 400 and 409, {@code field} for 409.
 */
public final class ApiProblems {

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    private static final String BAD_JSON = "request body is not valid JSON: ";

    private ApiProblems() {
    }

    public static ProblemDetail from(Throwable error, String path) {
        ProblemDetail problem = build(error, path);
        try {
            problem.setInstance(URI.create(path));
        } catch (IllegalArgumentException notAUri) {
            // the raw path is not a valid URI reference: leave "instance" out rather than fail the answer
        }
        return problem;
    }

    private static ProblemDetail build(Throwable error, String path) {
        if (error instanceof ValidationException validation) {
            return withErrors(HttpStatus.BAD_REQUEST, "Invalid input", validation.getMessage(), validation.problems());
        }
        if (error instanceof ConflictException conflict) {
            ProblemDetail problem = withErrors(HttpStatus.CONFLICT, "Conflict", conflict.getMessage(),
                    List.of(new FieldProblem(conflict.field(), conflict.getMessage())));
            problem.setProperty("field", conflict.field());
            return problem;
        }
        if (error instanceof ForbiddenException forbidden) {
            return problem(HttpStatus.FORBIDDEN, "Forbidden", forbidden.getMessage());
        }
        if (find(error, DataBufferLimitException.class) != null) {
            return problem(HttpStatus.PAYLOAD_TOO_LARGE, "Payload too large", "the request body is larger than the "
                    + "server accepts; certificates, keys and PKCS#12 files are limited to 1 MiB each");
        }
        if (error instanceof NotFoundException notFound) {
            return problem(HttpStatus.NOT_FOUND, "Not found", notFound.getMessage());
        }
        if (error instanceof UnsupportedMediaTypeStatusException unsupported) {
            String type = unsupported.getContentType() == null ? "none" : "'" + unsupported.getContentType() + "'";
            return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "content type " + type + " is not supported; send the body as application/json");
        }
        if (error instanceof ServerWebInputException input) {
            return inputProblem(input);
        }
        if (error instanceof MethodNotAllowedException notAllowed) {
            return problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed", notAllowed.getHttpMethod() + " "
                    + path + " is not supported; allowed: " + notAllowed.getSupportedMethods());
        }
        if (error instanceof NotAcceptableStatusException) {
            return problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable", "this API answers application/json only");
        }
        if (error instanceof ResponseStatusException status) {
            HttpStatusCode code = status.getStatusCode();
            if (code.value() == 404) {
                return problem(HttpStatus.NOT_FOUND, "Not found", "there is no API resource at " + path);
            }
            // Spring's reasons may name handler methods; the status phrase says enough.
            return problem(code, reasonPhrase(code), "the request cannot be processed: "
                    + reasonPhrase(code).toLowerCase(Locale.ROOT));
        }
        log.error("API call {} failed", path, error);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the request failed unexpectedly; the server log has the details");
    }

    private static ProblemDetail inputProblem(ServerWebInputException input) {
        if (mentions(input, "No request body")) {
            return problem(HttpStatus.BAD_REQUEST, "Invalid JSON", "request body is missing; send a JSON object");
        }
        JacksonException json = find(input, JacksonException.class);
        if (json != null) {
            return jsonProblem(json);
        }
        if (find(input, DecodingException.class) != null) {
            // Its message names internal classes and methods; say what the client can act on.
            return problem(HttpStatus.BAD_REQUEST, "Invalid JSON", BAD_JSON + "it cannot be decoded as UTF-8 JSON");
        }
        TypeMismatchException mismatch = find(input, TypeMismatchException.class);
        if (mismatch != null && input.getMethodParameter() != null) {
            String name = input.getMethodParameter().getParameterName();
            return problem(HttpStatus.BAD_REQUEST, "Invalid input", "'" + mismatch.getValue() + "' is not a valid "
                    + (name == null ? "value" : name) + "; expected " + describe(mismatch.getRequiredType()));
        }
        return problem(HttpStatus.BAD_REQUEST, "Bad request", "the request is not valid");
    }

    private static boolean mentions(Throwable error, String text) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String reason = t instanceof ResponseStatusException status ? status.getReason() : t.getMessage();
            if (reason != null && reason.contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static ProblemDetail jsonProblem(JacksonException json) {
        String field = fieldPath(json);
        if (json instanceof UnrecognizedPropertyException unknown) {
            Collection<Object> known = unknown.getKnownPropertyIds();
            String expected = known == null || known.isEmpty() ? ""
                    : "; known fields: " + known.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            String message = "unknown field '" + field + "'" + expected;
            return withErrors(HttpStatus.BAD_REQUEST, "Invalid JSON", BAD_JSON + message,
                    List.of(new FieldProblem(field, message)));
        }
        if (json instanceof MismatchedInputException mismatch && !field.isEmpty()) {
            String message = "field '" + field + "' must be " + describe(mismatch.getTargetType());
            return withErrors(HttpStatus.BAD_REQUEST, "Invalid JSON", BAD_JSON + message,
                    List.of(new FieldProblem(field, message)));
        }
        if (json instanceof MismatchedInputException mismatch) {
            return problem(HttpStatus.BAD_REQUEST, "Invalid JSON", BAD_JSON + "the body must be "
                    + describe(mismatch.getTargetType()));
        }
        String where = json.getLocation() == null || json.getLocation().getLineNr() < 0 ? ""
                : " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")";
        String what = json instanceof StreamReadException ? json.getOriginalMessage() : "cannot be read";
        return problem(HttpStatus.BAD_REQUEST, "Invalid JSON", BAD_JSON + firstLine(what) + where);
    }

    /** {@code servers[0].address} from Jackson's reference chain. */
    private static String fieldPath(JacksonException json) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
            return "a number";
        }
        return "a JSON object";
    }

    private static ProblemDetail withErrors(HttpStatusCode status, String title, String detail,
                                            List<FieldProblem> problems) {
        ProblemDetail problem = problem(status, title, detail);
        problem.setProperty("errors", problems.stream()
                .map(p -> Map.of("field", p.field(), "message", p.message()))
                .toList());
        return problem;
    }

    private static ProblemDetail problem(HttpStatusCode status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private static String reasonPhrase(HttpStatusCode code) {
        HttpStatus known = HttpStatus.resolve(code.value());
        return known == null ? "Error " + code.value() : known.getReasonPhrase();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "cannot be read";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
