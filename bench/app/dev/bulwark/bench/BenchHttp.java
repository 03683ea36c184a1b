package dev.bulwark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The HTTP helpers the load drivers share: JSON requests, an expected status, a field of a flat JSON answer. */
final class BenchHttp {

    static HttpRequest get(String url, String bearer) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer).GET().build();
    }

    static HttpRequest post(String url, String bearer, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", bearer);
        }
        return b.build();
    }

    /** Sends {@code request}; its body, or an exception naming the status when it is not {@code expected}. */
    static String send(HttpClient client, HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A string field of a JSON answer, by name (the benchmarks' answers are known and flat enough). */
    static String field(String json, String name) {
        return json.replaceAll("(?s).*\"" + name + "\":\"([^\"]+)\".*", "$1");
    }

    private BenchHttp() {
    }
}
