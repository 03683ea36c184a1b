package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL running: watches its postmaster (the pid in {@code postmaster.pid}, every quarter second
 * and at once when the readiness probe loses its connection) and, when it has died, starts it again with the command
 * line it ran with (same port, same settings, same data), so the app pool reconnects by itself. PostgreSQL replays its
 * WAL at start, so every commit it acknowledged is there again. Attempts back off (¼ s doubling to 5 s); after
 * {@code bulwark.database.embedded.restart-attempts} failed ones in a row liveness turns DOWN (the instance cannot recover
 * by itself, an orchestrator should replace it) while the attempts go on, and a later success turns it UP again.
 */
final class PostgresSupervisor {

    private static final Logger log = LoggerFactory.getLogger(PostgresSupervisor.class);
    private static final long CHECK_NANOS = Duration.ofMillis(250).toNanos();
    private static final Duration START_WAIT = Duration.ofSeconds(120);

    /** What the database's readiness and the liveness listeners see. */
    enum State { RUNNING, RESTARTING, GAVE_UP }

    /** Told when the supervisor gives up ({@code broken}) and when a later restart succeeds. */
    interface Listener {
        void liveness(boolean broken);
    }

    private final Path cluster;
    private final Path serverLog;
    private final List<String> command;
    private final int maxAttempts;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread watcher;
    private volatile boolean closed;
    private volatile State state = State.RUNNING;
    private volatile Instant since = Instant.now();
    private volatile int attempts;
    private volatile int restarts;
    private volatile String lastFailure;

    private PostgresSupervisor(Path cluster, List<String> command, int maxAttempts) {
        this.cluster = cluster;
        this.serverLog = cluster.resolveSibling("postgres.log");
        this.command = List.copyOf(command);
        this.maxAttempts = maxAttempts;
        this.watcher = Thread.ofPlatform().daemon().name("postgres-supervisor").unstarted(this::watch);
    }

    /**
     * Supervises the postmaster now running on {@code cluster}, restarting it with the command line it runs with; empty
     * (with a warning) when that command line cannot be read (not Linux), so the server is then not supervised.
     */
    static Optional<PostgresSupervisor> watch(Path cluster, int maxAttempts) {
        Optional<List<String>> commandLine = postmasterPid(cluster).flatMap(PostgresSupervisor::commandLine);
        if (commandLine.isEmpty()) {
            log.warn("The embedded PostgreSQL in {} is not supervised: its command line cannot be read", cluster);
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // As zonky starts it when run as root: PostgreSQL refuses to run as root, so in a user namespace.
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(commandLine.get());
        PostgresSupervisor supervisor = new PostgresSupervisor(cluster, command, maxAttempts);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> supervisor.closed = true, "postgres-supervisor-stop"));
        supervisor.watcher.start();
        return Optional.of(supervisor);
    }

    void addListener(Listener listener) {
        listeners.add(listener);
    }

    void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Looks at the postmaster now (a connection just failed) rather than at the next tick. */
    void checkNow() {
        LockSupport.unpark(watcher);
    }

    State state() {
        return state;
    }

    /** For readiness: the server's state, since when, and the restarts so far. Nothing secret. */
    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("server", state.name().toLowerCase(java.util.Locale.ROOT));
        details.put("since", since.toString());
        details.put("restarts", restarts);
        if (state != State.RUNNING) {
            details.put("attempts", attempts);
            if (lastFailure != null) {
                details.put("lastFailure", lastFailure);
            }
        }
        return details;
    }

    private void watch() {
        while (!closed) {
            LockSupport.parkNanos(CHECK_NANOS);
            if (closed || shuttingDown()) {
                return;
            }
            if (!postmasterAlive()) {
                if (!Files.isDirectory(cluster)) {
                    // Its data directory was deleted (a throwaway test cluster, a removed installation): there is
                    // nothing to restart, and retrying forever would only fill the log.
                    log.error("DATABASE LOST: the data directory {} of the embedded PostgreSQL is gone; not restarting it", cluster);
                    state = State.GAVE_UP;
                    return;
                }
                recover();
            }
        }
    }

    private void recover() {
        long began = System.nanoTime();
        String dead = postmasterPid(cluster).map(Object::toString).orElse("none");
        state = State.RESTARTING;
        since = Instant.now();
        attempts = 0;
        lastFailure = null;
        log.error("DATABASE DOWN: the embedded PostgreSQL in {} has stopped (postmaster pid {}); restarting it. Requests answer"
                + " 503 with Retry-After until it is back.", cluster, dead);
        while (!closed && !shuttingDown() && Files.isDirectory(cluster)) {
            attempts++;
            String failure = start();
            if (failure == null) {
                boolean wasBroken = state == State.GAVE_UP;
                restarts++;
                state = State.RUNNING;
                since = Instant.now();
                log.warn("DATABASE UP: the embedded PostgreSQL in {} is running again (pid {}) after {} ms and {} attempt(s)",
                        cluster, postmasterPid(cluster).map(Object::toString).orElse("?"),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), attempts);
                if (wasBroken) {
                    listeners.forEach(l -> l.liveness(false));
                }
                return;
            }
            lastFailure = failure;
            log.warn("Restart attempt {} of the embedded PostgreSQL in {} failed: {}", attempts, cluster, failure);
            if (attempts == maxAttempts) {
                state = State.GAVE_UP;
                log.error("DATABASE LOST: the embedded PostgreSQL in {} did not restart in {} attempts ({}); liveness is DOWN."
                        + " Still retrying every 5 s. See {}", cluster, attempts, failure, serverLog);
                listeners.forEach(l -> l.liveness(true));
            }
            LockSupport.parkNanos(backoff(attempts).toNanos());
        }
    }

    static Duration backoff(int attempt) {
        long millis = 250L << Math.min(attempt - 1, 10);
        return Duration.ofMillis(Math.min(millis, 5_000));
    }

    /** Starts the postmaster and waits until it accepts connections: null on success, else why it did not start. */
    private String start() {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
        } catch (IOException e) {
            return "cannot run postgres: " + e.getMessage();
        }
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline && !closed) {
            if (!process.isAlive()) {
                return "postgres exited with status " + process.exitValue() + ": " + lastError();
            }
            if (ready(process.pid())) {
                return null;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        process.destroy();
        return "not ready within " + START_WAIT.toSeconds() + " s";
    }

    /** postmaster.pid names this process and says {@code ready} (its eighth line), as pg_ctl -w waits for. */
    private boolean ready(long pid) {
        try {
            List<String> lines = Files.readAllLines(cluster.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.size() >= 8 && lines.get(0).trim().equals(Long.toString(pid)) && lines.get(7).trim().equals("ready");
        } catch (IOException e) {
            return false;
        }
    }

    /** The last FATAL or PANIC line of the server log, which says why a start failed. */
    private String lastError() {
        try {
            List<String> lines = Files.readAllLines(serverLog, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 50); i--) {
                if (lines.get(i).contains("FATAL") || lines.get(i).contains("PANIC")) {
                    return lines.get(i).trim();
                }
            }
            return "see " + serverLog;
        } catch (IOException e) {
            return "see " + serverLog;
        }
    }

    private boolean postmasterAlive() {
        return postmasterPid(cluster).map(PostgresSupervisor::alive).orElse(false);
    }

    /** Alive and not a zombie (a killed postmaster is one until its new parent reaps it). */
    static boolean alive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException e) {
            return !Files.isDirectory(Path.of("/proc")); // no /proc: trust ProcessHandle
        }
    }

    static Optional<Long> postmasterPid(Path cluster) {
        try {
            List<String> lines = Files.readAllLines(cluster.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The postmaster's argv ({@code /proc/<pid>/cmdline}): the binary, {@code -D}, the port and every {@code -c}. */
    private static Optional<List<String>> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            }
            return args.isEmpty() || !args.getFirst().endsWith("postgres") ? Optional.empty() : Optional.of(args);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A JVM that is shutting down stops its PostgreSQL on purpose (zonky's hook): never restart it then. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
