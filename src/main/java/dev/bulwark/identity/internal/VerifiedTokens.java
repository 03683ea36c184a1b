package dev.bulwark.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.bulwark.tenancy.DedicatedConnections;
import dev.bulwark.tenancy.NotificationListener;
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
    private final DedicatedConnections connections;
    private final JdbcClient jdbc;
    private volatile NotificationListener listener;

    VerifiedTokens(DedicatedConnections connections, JdbcClient jdbc) {
        this.connections = connections;
        this.jdbc = jdbc;
    }

    /** A cached verification of {@code token}, valid now, or null. */
    Jwt lookup(String token) {
        if (!listening()) {
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
        if (listening() && epoch.get() == epochBefore && Instant.now().isBefore(validUntil)) {
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
        NotificationListener heard = listener;
        return heard != null && heard.listening();
    }

    long hits() {
        return cache.stats().hitCount();
    }

    /** How many times listening has stopped so far (for tests). */
    long losses() {
        NotificationListener heard = listener;
        return heard == null ? 0 : heard.losses();
    }

    /** For tests: behave as if the listening connection had been lost. */
    void simulateListenerLoss() {
        listener.simulateLoss();
    }

    private void evictUser(UUID userId) {
        epoch.incrementAndGet();
        cache.asMap().values().removeIf(e -> e.userId().equals(userId));
    }

    @Override
    public void afterPropertiesSet() {
        // Outside the pool: a listener holds its connection for good, which would take one from the requests.
        listener = NotificationListener.start(connections, APPLICATION, CHANNEL, "The session revocation listener",
                "tokens are verified against the database each time", new NotificationListener.Handler() {
                    @Override
                    public void listening() {
                        // Anything missed while not listening is gone, and a verification that began before listening
                        // resumed may have read a session that a revocation nobody heard has since ended: not kept.
                        epoch.incrementAndGet();
                        cache.invalidateAll();
                    }

                    @Override
                    public void heard(String payload) {
                        UUID user;
                        try {
                            user = UUID.fromString(payload);
                        } catch (IllegalArgumentException e) {
                            stopped(); // not one of ours: drop everything rather than guess
                            return;
                        }
                        evictUser(user);
                    }

                    @Override
                    public void stopped() {
                        epoch.incrementAndGet();
                        cache.invalidateAll();
                    }
                });
    }

    @Override
    public void destroy() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }
}
