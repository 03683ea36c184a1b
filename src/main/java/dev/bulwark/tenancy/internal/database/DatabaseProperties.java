package dev.bulwark.tenancy.internal.database;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where Bulwark's database lives. With no {@code url}, an embedded PostgreSQL 17 runs under {@code dataDir};
 * with one, Bulwark connects to that server as two roles: the owner (migrations only) and the app role.
 *
 * @param url               the JDBC URL of an external PostgreSQL; unset: an embedded PostgreSQL 17 under
 *                          {@code embedded.data-dir}
 * @param ownerUser         the role that owns the schema and runs the migrations
 * @param ownerPassword     the owner role's password (external database; set it in the environment only)
 * @param appUser           the role requests run as: it owns nothing and is subject to row-level security
 * @param appPassword       the app role's password (external database; set it in the environment only)
 * @param schema            the schema Bulwark's tables live in
 * @param poolSize          connections in the app role's pool (the listeners hold connections of their own, outside it)
 * @param connectionTimeout how long a request waits for a pooled connection before it answers 503: short, so a saturated
 *                          pool or an unreachable database fails fast instead of holding the caller
 * @param probeTimeout      the longest a readiness probe waits for the database on its own connection
 */
@ConfigurationProperties("bulwark.database")
public record DatabaseProperties(
        String url,
        @DefaultValue("bulwark_owner") String ownerUser,
        String ownerPassword,
        @DefaultValue("bulwark_app") String appUser,
        String appPassword,
        @DefaultValue("bulwark") String schema,
        @DefaultValue("10") int poolSize,
        @DefaultValue("2s") Duration connectionTimeout,
        @DefaultValue("500ms") Duration probeTimeout,
        @DefaultValue Embedded embedded) {

    /**
     * The embedded server: its data directory, whether commits are durable, and its supervision.
     *
     * @param dataDir         where the embedded server's data directory (and by default keys, mail, checkpoints) live
     * @param durable         fsync and synchronous commit on; off only for a throwaway test cluster
     * @param supervise       restart the server when it dies (docs/resilience.md); off only for a test of a database
     *                        that stays gone, or when something else supervises it
     * @param restartAttempts failed restarts in a row after which liveness turns DOWN (the attempts go on)
     * @param minFreeSpace    readiness is DOWN, with the reason, while the data directory's file system has less free
     *                        space than this
     */
    public record Embedded(
            @DefaultValue("./var") Path dataDir,
            @DefaultValue("true") boolean durable,
            @DefaultValue("true") boolean supervise,
            @DefaultValue("20") int restartAttempts,
            @DefaultValue("32MB") DataSize minFreeSpace) {

        public Embedded {
            if (restartAttempts < 1 || restartAttempts > 1000) {
                throw new IllegalArgumentException("bulwark.database.embedded.restart-attempts must be 1..1000, was " + restartAttempts);
            }
            if (minFreeSpace.isNegative()) {
                throw new IllegalArgumentException("bulwark.database.embedded.min-free-space must not be negative");
            }
        }
    }

    public DatabaseProperties {
        // At least two: background work (trust checks, the mail outbox) must not take the only one requests have.
        if (poolSize < 2 || poolSize > 200) {
            throw new IllegalArgumentException("bulwark.database.pool-size must be 2..200, was " + poolSize);
        }
        if (connectionTimeout.toMillis() < 500 || connectionTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("bulwark.database.connection-timeout must be 500ms..30s, was " + connectionTimeout);
        }
        if (probeTimeout.toMillis() < 100 || probeTimeout.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("bulwark.database.probe-timeout must be 100ms..5s, was " + probeTimeout);
        }
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("bulwark.database.schema must be a plain lower-case identifier");
        }
        for (String role : new String[] {ownerUser, appUser}) {
            if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("database role names must be plain lower-case identifiers: " + role);
            }
        }
        if (ownerUser.equals(appUser)) {
            throw new IllegalArgumentException("the owner and app roles must differ: the app role may own nothing");
        }
    }

    public boolean external() {
        return url != null && !url.isBlank();
    }
}
