package dev.bulwark.console.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The console's one way to read or change anything: a call to the API's own endpoint, dispatched (included) inside
 * this process with the person's request — their authenticated session, their address — so the call meets the very
 * access check, step-up, validation and audit an outside caller meets, and nothing else. The answer (status, JSON body,
 * the cookies a sign-in sets) is captured instead of written, and the page renders it.
 *
 * <p>Written here because no library dispatches a servlet request to a sibling handler and captures its answer; a
 * loopback HTTP call would do the same through a socket, with a second TLS hop and the client's address lost.
 */
@Component
public class Api {

    /** What the API answered. {@code body} is JSON null when it answered nothing or not JSON. */
    public record Answer(int status, JsonNode body, List<String> cookies, String retryAfter) {

        public Answer(int status, JsonNode body, List<String> cookies) {
            this(status, body, cookies, null);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem's slug (the last part of its type), or "" for a success. */
        public String problem() {
            String type = body.path("type").asString("");
            return ok() ? "" : type.substring(type.lastIndexOf('/') + 1);
        }

        public boolean stepUpRequired() {
            return status == 401 && problem().equals("step-up-required");
        }

        /** The problem in words: its detail, and each invalid field. */
        public String message() {
            StringBuilder text = new StringBuilder(body.path("detail").asString(body.path("title").asString("The request failed (" + status + ").")));
            for (JsonNode error : body.path("errors")) {
                text.append(' ').append(error.path("field").asString(error.path("pointer").asString(""))).append(": ")
                        .append(error.path("message").asString(error.path("detail").asString(""))).append('.');
            }
            return text.toString();
        }

        /** The list in the answer: the envelope's items, or the answer itself when it is an array. */
        public List<JsonNode> items() {
            JsonNode list = body.isArray() ? body : body.path("items");
            List<JsonNode> items = new ArrayList<>();
            list.forEach(items::add);
            return items;
        }
    }

    private final ObjectMapper json;

    Api(ObjectMapper json) {
        this.json = json;
    }

    public Answer get(HttpServletRequest request, HttpServletResponse response, String path) {
        return call(request, response, "GET", path, null);
    }

    /**
     * Calls {@code method path} (path and query, starting {@code /api/v1/}) as the person behind {@code request}, with
     * {@code body} as its JSON body (null for none).
     */
    public Answer call(HttpServletRequest request, HttpServletResponse response, String method, String path, Object body) {
        if (!path.startsWith("/api/v1/")) {
            throw new IllegalArgumentException("the console calls the API only: " + path);
        }
        byte[] bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
        Inner inner = new Inner(request, method, bytes, body != null, path);
        Captured captured = new Captured(response);
        RequestDispatcher dispatcher = request.getServletContext().getRequestDispatcher(path);
        try {
            // An include, not a forward: a forward finishes the person's response when it returns, and the page is
            // still to be written. The captured response takes the status and headers an include could not set.
            dispatcher.include(inner, captured);
        } catch (ServletException | IOException e) {
            throw new IllegalStateException("the API call " + method + " " + path + " failed", e);
        }
        byte[] out = captured.bytes.toByteArray();
        JsonNode parsed = NullNode.getInstance();
        String type = captured.contentType == null ? "" : captured.contentType;
        if (out.length > 0 && (type.contains("json"))) {
            parsed = json.readTree(out);
        }
        String retryAfter = captured.headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        return new Answer(captured.status, parsed, List.copyOf(captured.cookies), retryAfter);
    }

    /** The person's request as the API sees it: another method, a JSON body, JSON accepted, no form fields. */
    private static final class Inner extends HttpServletRequestWrapper {
        private final String method;
        private final byte[] body;
        private final boolean hasBody;
        // Attributes set by the API's dispatch stay in it: the next call starts as clean as the first.
        private final Map<String, Object> attributes = new HashMap<>();
        private final java.util.Set<String> removed = new java.util.HashSet<>();

        private final Map<String, String[]> parameters;

        Inner(HttpServletRequest request, String method, byte[] body, boolean hasBody, String path) {
            super(request);
            this.method = method;
            this.body = body;
            this.hasBody = hasBody;
            this.parameters = org.springframework.web.util.UriComponentsBuilder.fromUriString(path).build().getQueryParams()
                    .entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey,
                            e -> e.getValue().stream().map(v -> org.springframework.web.util.UriUtils.decode(v == null ? "" : v,
                                    StandardCharsets.UTF_8)).toArray(String[]::new)));
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public Object getAttribute(String name) {
            if (attributes.containsKey(name)) {
                return attributes.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (value == null) {
                removeAttribute(name);
                return;
            }
            attributes.put(name, value);
            removed.remove(name);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
            removed.add(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            java.util.Set<String> names = new java.util.HashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(attributes.keySet());
            return Collections.enumeration(names);
        }

        @Override
        public String getContentType() {
            return hasBody ? "application/json" : null;
        }

        @Override
        public int getContentLength() {
            return hasBody ? body.length : 0;
        }

        @Override
        public long getContentLengthLong() {
            return getContentLength();
        }

        @Override
        public String getCharacterEncoding() {
            return "UTF-8";
        }

        @Override
        public String getHeader(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "content-type" -> getContentType();
                case "content-length" -> hasBody ? Integer.toString(body.length) : null;
                case "accept" -> "application/json";
                case "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "range", "transfer-encoding" -> null;
                default -> super.getHeader(name);
            };
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            if (!name.equalsIgnoreCase("content-type") && !name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("accept")
                    && value != null) {
                return super.getHeaders(name);
            }
            return value == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(value));
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (getHeader(name) != null) {
                    names.add(name);
                }
            }
            names.add("Accept");
            if (hasBody) {
                names.add("Content-Type");
                names.add("Content-Length");
            }
            return Collections.enumeration(names);
        }

        // The parameters are the API path's query only: never the console form's fields.
        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }

    /** The API's answer, held here: nothing of it reaches the person's response but the cookies a sign-in sets. */
    private static final class Captured extends HttpServletResponseWrapper {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> cookies = new ArrayList<>();
        final Map<String, String> headers = new HashMap<>();
        int status = 200;
        String contentType;
        private PrintWriter writer;
        private final ServletOutputStream stream = new ServletOutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };

        Captured(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return stream;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void flushBuffer() {
            if (writer != null) {
                writer.flush();
            }
        }

        @Override
        public boolean isCommitted() {
            return false;
        }

        @Override
        public void reset() {
            resetBuffer();
            headers.clear();
            cookies.clear();
            status = 200;
            contentType = null;
        }

        @Override
        public void resetBuffer() {
            if (writer != null) {
                writer.flush();
            }
            bytes.reset();
        }

        @Override
        public void setStatus(int sc) {
            status = sc;
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void sendError(int sc) {
            status = sc;
        }

        @Override
        public void sendError(int sc, String msg) {
            status = sc;
        }

        @Override
        public void sendRedirect(String location) {
            status = 302;
            headers.put(HttpHeaders.LOCATION, location);
        }

        @Override
        public void setContentType(String type) {
            contentType = type;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public void setCharacterEncoding(String charset) {
        }

        @Override
        public void setContentLength(int len) {
        }

        @Override
        public void setContentLengthLong(long len) {
        }

        @Override
        public void setBufferSize(int size) {
        }

        @Override
        public void setLocale(java.util.Locale locale) {
        }

        @Override
        public void addCookie(jakarta.servlet.http.Cookie cookie) {
            throw new UnsupportedOperationException("the API sets cookies with Set-Cookie headers");
        }

        @Override
        public void setHeader(String name, String value) {
            if (name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                contentType = value;
            } else if (name.equalsIgnoreCase(HttpHeaders.SET_COOKIE)) {
                cookies.clear();
                cookies.add(value);
            } else {
                headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (name.equalsIgnoreCase(HttpHeaders.SET_COOKIE)) {
                cookies.add(value);
            } else {
                setHeader(name, value);
            }
        }

        @Override
        public void setIntHeader(String name, int value) {
            setHeader(name, Integer.toString(value));
        }

        @Override
        public void addIntHeader(String name, int value) {
            setHeader(name, Integer.toString(value));
        }

        @Override
        public void setDateHeader(String name, long date) {
            setHeader(name, Long.toString(date));
        }

        @Override
        public void addDateHeader(String name, long date) {
            setHeader(name, Long.toString(date));
        }

        @Override
        public String getHeader(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public boolean containsHeader(String name) {
            return headers.containsKey(name.toLowerCase(java.util.Locale.ROOT))
                    || name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) && contentType != null;
        }

        @Override
        public java.util.Collection<String> getHeaderNames() {
            return headers.keySet();
        }

        @Override
        public java.util.Collection<String> getHeaders(String name) {
            String value = getHeader(name);
            return value == null ? List.of() : List.of(value);
        }
    }
}
