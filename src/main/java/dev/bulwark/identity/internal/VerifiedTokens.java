package dev.bulwark.identity.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.bulwark.tenancy.DedicatedConnections;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Access tokens already verified, kept until the earlier of their expiry and their session's deadline — never past a
 * revocation. Every revocation publishes the user's id with {@code pg_notify} inside its transaction (so only a
 * committed revocation is heard); every instance listens on a dedicated connection and evicts that user's entries.
 * The revoking instance also evicts right after its own commit. If the listening connection is lost, the cache is
 * emptied and bypassed until listening resumes (fail closed). Hand-written: no library pairs a token cache with
 * PostgreSQL notifications.
 */
@Component
public class VerifiedTokens implements InitializingBean, DisposableBean {

    static final String CHANNEL = "bulwark_session_revoked";
    /** The listening connection's name in {@code pg_stat_activity}. */
    static final String APPLICATION = "bulwark-session-revocations";
    private static final Logger log = LoggerFactory.getLogger(VerifiedTokens.class);

    /** A verified token, its user, and the instant it stops being valid without a new check. */
    record Entry(Jwt jwt, UUID userId, Instant validUntil) {
    }

    private final Cache<String, Entry> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfter(Expiry.<String, Entry>creating((token, entry) ->
                    Duration.between(Instant.now(), entry.validUntil()).isNegative() ? Duration.ZERO
                            : Duration.between(Instant.now(), entry.validUntil())))
            .recordStats()
            .build();
    // Bumped by every revocation heard: a verification that overlapped one is not cached.
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicBoolean listening = new AtomicBoolean(false);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final DedicatedConnections connections;
    private final JdbcClient jdbc;
    private Thread listener;

    VerifiedTokens(DedicatedConnections connections, JdbcClient jdbc) {
        this.connections = connections;
        this.jdbc = jdbc;
    }

    /** A cached verification of {@code token}, valid now, or null. */
    Jwt lookup(String token) {
        if (!listening.get()) {
            return null;
        }
        Entry entry = cache.getIfPresent(token);
        return entry != null && Instant.now().isBefore(entry.validUntil()) ? entry.jwt() : null;
    }

    long epoch() {
        return epoch.get();
    }

    /** Remembers a verification that started at {@code epochBefore}, unless a revocation was heard since. */
    void remember(String token, Jwt jwt, UUID userId, Instant validUntil, long epochBefore) {
        if (listening.get() && epoch.get() == epochBefore && Instant.now().isBefore(validUntil)) {
            cache.put(token, new Entry(jwt, userId, validUntil));
            if (epoch.get() != epochBefore) {
                cache.invalidate(token); // a revocation arrived while storing
            }
        }
    }

    /**
     * Called inside every transaction that revokes sessions of {@code userId}: tells all instances on commit, and
     * evicts here right after commit.
     */
    void revokedInTransaction(UUID userId) {
        jdbc.sql("SELECT pg_notify(:channel, :user)").param("channel", CHANNEL).param("user", userId.toString())
                .query((rs, n) -> 1).single();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    evictUser(userId);
                }
            });
        } else {
            evictUser(userId);
        }
    }

    /** Whether revocations can be heard now (else the cache is bypassed). */
    boolean listening() {
        return listening.get();
    }

    long hits() {
        return cache.stats().hitCount();
    }

    /** For tests: behave as if the listening connection had been lost. */
    void simulateListenerLoss() {
        listenerLost();
    }

    private void evictUser(UUID userId) {
        epoch.incrementAndGet();
        cache.asMap().values().removeIf(e -> e.userId().equals(userId));
    }

    private void listenerLost() {
        listening.set(false);
        epoch.incrementAndGet();
        cache.invalidateAll();
    }

    @Override
    public void afterPropertiesSet() {
        listener = Thread.ofPlatform().daemon().name("session-revocation-listener").start(this::listen);
    }

    private void listen() {
        while (running.get()) {
            // Outside the pool: a listener holds its connection for good, which would take one from the requests.
            try (Connection connection = connections.open(APPLICATION); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                cache.invalidateAll(); // anything missed while not listening is gone
                listening.set(true);
                while (running.get()) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            evictUser(UUID.fromString(n.getParameter()));
                        }
                    }
                    if (!listening.get()) {
                        break; // simulated loss: reconnect
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running.get()) {
                    log.warn("Session revocation listener lost its connection; verified-token cache bypassed: {}", e.getMessage());
                }
            } finally {
                listenerLost();
            }
            sleepQuietly();
        }
    }

    private void sleepQuietly() {
        try {
            TimeUnit.MILLISECONDS.sleep(running.get() ? 500 : 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        running.set(false);
        if (listener != null) {
            listener.interrupt();
            listener.join(3000);
        }
    }
}
