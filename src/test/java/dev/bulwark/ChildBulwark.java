package dev.bulwark;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bulwark in a child JVM of its own, on the test class path and a data directory of the test's: for the tests that
 * kill the application itself with {@code kill -9} ({@link Process#destroyForcibly()}), which no in-process
 * installation ({@link OwnInstallation}) can survive.
 */
public final class ChildBulwark {

    private static final Pattern RUNNING = Pattern.compile("Bulwark is running at http://localhost:(\\d+)/");
    /** A JVM and its PostgreSQL starting on a saturated machine. */
    private static final Duration START_BOUND = Duration.ofSeconds(300);

    private ChildBulwark() {
    }

    /**
     * Starts the application with {@code BULWARK_DATA_DIR=dataDir} on a free port, its output in {@code log}, with
     * {@code environment} added and {@code arguments} passed.
     */
    public static Process launch(Path dataDir, Path log, Map<String, String> environment, String... arguments)
            throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.bulwark.BulwarkApplication"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("BULWARK_DATA_DIR", dataDir.toString());
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * Waits until the child says where it runs and, when {@code healthy}, its health answers 200 (UP); its port. Fails
     * at once with the child's output if it exits, and after {@link #START_BOUND} if it never gets there.
     */
    public static int awaitRunning(Process process, Path log, HttpClient http, boolean healthy) throws Exception {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Bulwark exited early:\n" + Files.readString(log));
            }
            Matcher m = RUNNING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                int port = Integer.parseInt(m.group(1));
                if (!healthy || http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return port;
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("Bulwark did not start:\n" + Files.readString(log));
    }
}
