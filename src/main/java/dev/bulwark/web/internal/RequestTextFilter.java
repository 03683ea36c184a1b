package dev.bulwark.web.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.bulwark.shared.InvalidInputException.FieldProblem;
import dev.bulwark.shared.TextRules;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The path and every query parameter are text, as every JSON string is ({@link TextGuard}): percent-encoding that
 * decodes to UTF-8, with no control character at all (a NUL, a line break). Checked once, before any handler, for
 * every endpoint: a {@code %00} in an id or a filter is a 400 naming the parameter — never a database error
 * (PostgreSQL cannot hold a NUL), and a malformed escape never reaches Tomcat's parameter parser, which throws.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 11)
class RequestTextFilter extends OncePerRequestFilter {

    static final String NOT_TEXT = "must be percent-encoded UTF-8 text without control characters";

    private final ProblemWriter problems;

    RequestTextFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String field = offendingPart(request.getRequestURI(), request.getQueryString());
        if (field != null) {
            problems.write(request, response, Problems.validation(List.of(new FieldProblem(field, NOT_TEXT))));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The name of the first part that is not text: {@code path}, a parameter's name, or {@code query}; null when all are. */
    static String offendingPart(String path, String query) {
        if (!plain(decoded(path, false))) {
            return "path";
        }
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = decoded(equals < 0 ? pair : pair.substring(0, equals), true);
            String value = equals < 0 ? "" : decoded(pair.substring(equals + 1), true);
            if (!plain(name)) {
                return "query";
            }
            if (!plain(value)) {
                return name;
            }
        }
        return null;
    }

    private static boolean plain(String text) {
        return text != null && TextRules.isText(text) && text.chars().noneMatch(c -> c == '\t' || c == '\n' || c == '\r');
    }

    /** {@code raw} with its %XX escapes (and, in a query, '+') decoded as UTF-8; null when an escape or the UTF-8 is malformed. */
    private static String decoded(String raw, boolean query) {
        if (raw.indexOf('%') < 0 && !(query && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+' && query) {
                bytes.write(' ');
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException malformed) {
            return null;
        }
    }
}
