package dev.bulwark.ai.internal;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.shared.AfterCommit;
import dev.bulwark.tenancy.DedicatedConnections;
import dev.bulwark.tenancy.NotificationListener;
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
 * Hand-written: Caffeine holds the entries and {@link NotificationListener} listens (as for the identity module's
 * verified tokens); no library pairs a cache with PostgreSQL notifications.
 */
@Component
class AdmissionCache implements InitializingBean, DisposableBean {

    static final String CHANNEL = "bulwark_ai_admission";
    /** The listening connection's name in {@code pg_stat_activity}. */
    static final String APPLICATION = "bulwark-ai-admission";
    static final Duration TTL = Duration.ofSeconds(60);
    /** The most (organisation, provider) pairs kept. */
    private static final int MAX_ENTRIES = 100_000;

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
    private volatile NotificationListener listener;

    AdmissionCache(DedicatedConnections connections) {
        this.connections = connections;
    }

    /**
     * The admission of {@code org} for {@code provider}: from memory while listening, else {@code load}ed (and kept
     * when no invalidation overlapped the load).
     */
    AiPolicies.Admission get(UUID org, String provider, Supplier<AiPolicies.Admission> load) {
        Key key = new Key(org, provider);
        if (listening()) {
            AiPolicies.Admission kept = cache.getIfPresent(key);
            if (kept != null) {
                return kept;
            }
        }
        long before = generation.get();
        AiPolicies.Admission loaded = load.get();
        if (listening() && generation.get() == before) {
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
        NotificationListener heard = listener;
        return heard != null && heard.listening();
    }

    long hits() {
        return cache.stats().hitCount();
    }

    /** How many times listening has stopped so far, for tests that wait for a loss to be seen. */
    long losses() {
        NotificationListener heard = listener;
        return heard == null ? 0 : heard.losses();
    }

    @Override
    public void afterPropertiesSet() {
        listener = NotificationListener.start(connections, APPLICATION, CHANNEL, "The AI admission listener",
                "admissions are read from the database", new NotificationListener.Handler() {
                    @Override
                    public void listening() {
                        invalidateAll(); // whatever changed while nobody listened was not heard
                    }

                    @Override
                    public void heard(String payload) {
                        UUID org;
                        try {
                            org = UUID.fromString(payload);
                        } catch (IllegalArgumentException e) {
                            invalidateAll(); // '*' (a TRUNCATE), or anything unexpected: drop everything
                            return;
                        }
                        invalidate(org);
                    }

                    @Override
                    public void stopped() {
                        invalidateAll();
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
