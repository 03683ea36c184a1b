package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The database's part of readiness ({@code database} in the readiness group), never waiting behind the app pool: one
 * connection of its own, a check bounded by {@code bulwark.database.probe-timeout} (the caller gets DOWN when no answer
 * comes in time, while the check finishes in the background), and the last answer reused for a second so a burst of
 * probes costs one round trip.
 */
final class DatabaseProbe implements HealthIndicator, AutoCloseable {

    private static final long REUSE_NANOS = Duration.ofSeconds(1).toNanos();

    private record Checked(long at, Health health) {
    }

    /** Public reasons: readiness shows its status with this description, never a path, a size or an error's text. */
    static final Status UNREACHABLE = new Status("DOWN", "database unreachable");
    static final Status RESTARTING = new Status("DOWN", "database restarting");
    static final Status STORAGE_FULL = new Status("DOWN", "database storage full");

    private final ConnectionSettings settings;
    private final Optional<EmbeddedPostgresServer.Server> embedded;
    private final long minFreeBytes;
    private final String schema;
    private final Duration timeout;
    private final Executor background = command -> Thread.ofVirtual().name("database-probe").start(command);
    private volatile Checked last;
    private final Object starting = new Object();
    private CompletableFuture<Checked> running;
    // Guarded by this probe's lock: one check at a time, and closing at shutdown.
    private Connection connection;

    DatabaseProbe(ConnectionSettings settings, DatabaseProperties properties, Optional<EmbeddedPostgresServer.Server> embedded) {
        this.settings = settings;
        this.embedded = embedded;
        this.minFreeBytes = properties.embedded().minFreeSpace().toBytes();
        this.schema = properties.schema();
        this.timeout = properties.probeTimeout();
    }

    @Override
    public Health health() {
        Checked seen = last;
        if (seen != null && System.nanoTime() - seen.at() < REUSE_NANOS) {
            return seen.health();
        }
        try {
            return current().get(timeout.toMillis(), TimeUnit.MILLISECONDS).health();
        } catch (TimeoutException e) {
            return Health.status(UNREACHABLE).withDetail("reason", "no answer within " + timeout.toMillis() + " ms").build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().build();
        } catch (ExecutionException e) {
            return Health.down().withDetail("reason", "check failed").build();
        }
    }

    /** The check under way, or a new one: never two at once, however many probes arrive. */
    private CompletableFuture<Checked> current() {
        // Its own lock, not the check's: a caller never blocks behind a check that hangs.
        synchronized (starting) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(this::check, background);
            }
            return running;
        }
    }

    private synchronized Checked check() {
        Health health = storageFull().or(this::restarting).orElseGet(this::connect);
        if (Status.DOWN.equals(health.getStatus())) {
            embedded.flatMap(EmbeddedPostgresServer.Server::supervisor).ifPresent(PostgresSupervisor::checkNow);
        }
        if (Status.DOWN.equals(health.getStatus())) {
            close();
        }
        Checked checked = new Checked(System.nanoTime(), health);
        last = checked;
        return checked;
    }

    private Health connect() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = open();
            }
            int seconds = (int) Math.max(1, timeout.toSeconds());
            return connection.isValid(seconds) ? Health.up().build() : down(null);
        } catch (SQLException e) {
            return down(e.getSQLState());
        }
    }

    /** The embedded server's file system has less free space than {@code min-free-space}: PostgreSQL fails writes soon. */
    private Optional<Health> storageFull() {
        if (embedded.isEmpty()) {
            return Optional.empty();
        }
        try {
            long free = Files.getFileStore(embedded.get().cluster()).getUsableSpace();
            if (free >= minFreeBytes) {
                return Optional.empty();
            }
            return Optional.of(Health.status(STORAGE_FULL).withDetail("reason", "storage full: " + free / (1024 * 1024)
                    + " MB free on the data directory's file system, at least " + minFreeBytes / (1024 * 1024) + " MB needed")
                    .build());
        } catch (IOException e) {
            return Optional.of(Health.status(STORAGE_FULL).withDetail("reason", "cannot read the free space: " + e.getMessage()).build());
        }
    }

    /** The supervisor is restarting the server (or gave up): no connection to try. */
    private Optional<Health> restarting() {
        return embedded.flatMap(EmbeddedPostgresServer.Server::supervisor)
                .filter(s -> s.state() != PostgresSupervisor.State.RUNNING)
                .map(s -> Health.status(RESTARTING).withDetails(s.details()).build());
    }

    private Connection open() throws SQLException {
        // Seconds, at least 1: the caller is bounded by the probe timeout anyway; these bound the background check.
        return settings.appConnection(schema, "bulwark-probe", Map.of("connectTimeout", "5", "socketTimeout", "5"));
    }

    private static Health down(String sqlState) {
        return Health.status(UNREACHABLE).withDetail("reason", sqlState == null ? "connection not valid" : "SQLSTATE " + sqlState).build();
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}
