package dev.bulwark.ai.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.shared.AfterCommit;
import dev.bulwark.tenancy.DedicatedConnections;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The AI gateway's admission (an organisation's policy and its sealed key for one provider, {@link AiPolicies.Admission})
 * kept in memory per instance, so a call costs no database round trip before it leaves (docs/ai-gateway.md#admission).
 * Only the key's ciphertext is kept: it is opened for every call, so a destroyed organisation key still refuses.
 * <p>
 * Every change to what the admission reads publishes the organisation's id on {@value #CHANNEL} when it commits
 * (triggers of migration V62); every instance listens on a connection of its own (outside the pool) and drops that
 * organisation's entries. The instance that made a change also drops them right after its own commit. While the
 * listener is not connected (start-up, a lost connection, a restarted database), nothing is served from memory and
 * the cache is emptied; it is emptied again when listening resumes, since notifications sent meanwhile were lost. A
 * load that overlapped any invalidation is not kept (the generation counter), so a row read before a change cannot be
 * stored after the change was heard. An entry also expires {@link #TTL} after it was loaded, which bounds the damage
 * of a notification lost in a way the listener could not see.
 * <p>
 * Hand-written: Caffeine holds the entries; no library pairs a cache with PostgreSQL notifications (the same pattern
 * as the identity module's verified tokens).
 */
@Component
class AdmissionCache implements InitializingBean, DisposableBean {

    static final String CHANNEL = "bulwark_ai_admission";
    /** The listening connection's name in {@code pg_stat_activity}. */
    static final String APPLICATION = "bulwark-ai-admission";
    static final Duration TTL = Duration.ofSeconds(60);
    /** The most (organisation, provider) pairs kept. */
    private static final int MAX_ENTRIES = 100_000;
    /** How long the listener waits for a notification before it checks that its connection is still alive. */
    private static final int POLL_MILLIS = 5_000;
    private static final Logger log = LoggerFactory.getLogger(AdmissionCache.class);

    record Key(UUID org, String provider) {
    }

    private final DedicatedConnections connections;
    private final Cache<Key, AiPolicies.Admission> cache = Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES)
            .expireAfterWrite(TTL)
            .recordStats()
            .build();
    /** Bumped by every invalidation (and before each drop of entries): a load that overlapped one is not kept. */
    private final AtomicLong generation = new AtomicLong();
    /** Bumped each time the listener stops listening, for tests that wait for a loss to be seen. */
    private final AtomicLong losses = new AtomicLong();
    private volatile boolean listening;
    private volatile boolean running = true;
    private volatile Connection current;
    private Thread listener;

    AdmissionCache(DedicatedConnections connections) {
        this.connections = connections;
    }

    /**
     * The admission of {@code org} for {@code provider}: from memory while listening, else {@code load}ed (and kept
     * when no invalidation overlapped the load).
     */
    AiPolicies.Admission get(UUID org, String provider, Supplier<AiPolicies.Admission> load) {
        Key key = new Key(org, provider);
        if (listening) {
            AiPolicies.Admission kept = cache.getIfPresent(key);
            if (kept != null) {
                return kept;
            }
        }
        long before = generation.get();
        AiPolicies.Admission loaded = load.get();
        if (listening && generation.get() == before) {
            cache.put(key, loaded);
            if (generation.get() != before) {
                cache.invalidate(key); // an invalidation ran while storing: it may have missed this entry
            }
        }
        return loaded;
    }

    /**
     * Called in the transaction that changes {@code org}'s policy or keys: drops its entries here right after the
     * commit (at once outside a transaction). Other instances hear it from the triggers' notification.
     */
    void changedInTransaction(UUID org) {
        AfterCommit.run(() -> invalidate(org));
    }

    void invalidate(UUID org) {
        generation.incrementAndGet();
        cache.asMap().keySet().removeIf(key -> key.org().equals(org));
    }

    void invalidateAll() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }

    /** Whether changes can be heard now (else every admission is read from the database). */
    boolean listening() {
        return listening;
    }

    long hits() {
        return cache.stats().hitCount();
    }

    long losses() {
        return losses.get();
    }

    @Override
    public void afterPropertiesSet() {
        listener = Thread.ofVirtual().name("ai-admission-listener").start(this::listen);
    }

    private void listen() {
        while (running) {
            try (Connection connection = connections.open(APPLICATION); Statement statement = connection.createStatement()) {
                current = connection;
                statement.execute("LISTEN " + CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                invalidateAll(); // whatever changed while nobody listened was not heard
                listening = true;
                if (losses.get() > 0) {
                    log.info("The AI admission listener is back; admissions are served from memory again");
                }
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null || notifications.length == 0) {
                        // Quiet: make sure the connection is still there (a dead one would never deliver anything).
                        if (!connection.isValid(POLL_MILLIS / 1000)) {
                            throw new SQLException("the listening connection no longer answers");
                        }
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        heard(notification.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running && listening) {
                    log.warn("The AI admission listener lost its connection; admissions are read from the database until it is back: {}",
                            e.getMessage());
                } else if (running) {
                    // Still not connected (the database is down or restarting): said once already, when it was lost.
                    log.debug("The AI admission listener cannot connect yet: {}", e.getMessage());
                }
            } finally {
                current = null;
                stoppedListening();
            }
            pause();
        }
    }

    private void heard(String payload) {
        UUID org;
        try {
            org = UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            invalidateAll(); // '*' (a TRUNCATE), or anything unexpected: drop everything
            return;
        }
        invalidate(org);
    }

    private void stoppedListening() {
        listening = false;
        invalidateAll();
        losses.incrementAndGet();
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(running ? 500 : 0);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        running = false;
        if (listener != null) {
            listener.interrupt(); // a virtual thread blocked reading its socket is released by the interrupt
            listener.join(3_000);
        }
        Connection connection = current;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the AI admission listener's connection: {}", e.getMessage());
            }
        }
    }
}
