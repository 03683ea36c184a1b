package dev.bulwark.tenancy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Work that one instance at a time may do, across every instance: a named lease in the one {@code leases} table (V30),
 * taken when free or lapsed, renewed while the work goes on, given back when it ends. A lease left by an instance that
 * died lapses at its term, so no work waits longer than that. Used by the retention enforcer ({@code retention}),
 * the trust checks ({@code trust-checks}) and re-encryption ({@code key-reencryption:<organisation>}).
 * Each holding is told apart by a token, so an instance renews and gives back only what it holds.
 */
@Component
public class Lease {

    /** A lease this instance holds, until {@link #close()}. */
    public final class Held implements AutoCloseable {

        private final String name;
        private final UUID holder;

        private Held(String name, UUID holder) {
            this.name = name;
            this.holder = holder;
        }

        public String name() {
            return name;
        }

        /** Extends the lease to {@code term} after {@code now}; false when it lapsed and another instance took it. */
        public boolean renew(Instant now, Duration term) {
            return jdbc.sql("UPDATE leases SET held_until = :until WHERE name = :name AND holder = :holder")
                    .param("name", name).param("holder", holder).param("until", Timestamp.from(now.plus(term)))
                    .update() == 1;
        }

        /** Gives the lease back (nothing when it lapsed and another instance holds it now). */
        @Override
        public void close() {
            jdbc.sql("DELETE FROM leases WHERE name = :name AND holder = :holder").param("name", name).param("holder", holder).update();
        }
    }

    private final JdbcClient jdbc;

    Lease(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes the lease {@code name} for {@code term} after {@code now} if no one holds it (or their term is over). */
    public Optional<Held> acquire(String name, Instant now, Duration term) {
        UUID holder = UUID.randomUUID();
        // The row lock of ON CONFLICT decides between two instances racing for the same lease: one of them updates it.
        return jdbc.sql("""
                        INSERT INTO leases (name, holder, held_until) VALUES (:name, :holder, :until)
                        ON CONFLICT (name) DO UPDATE SET holder = :holder, held_until = :until
                        WHERE leases.held_until IS NULL OR leases.held_until < :now
                        RETURNING holder
                        """)
                .param("name", name).param("holder", holder)
                .param("until", Timestamp.from(now.plus(term))).param("now", Timestamp.from(now))
                .query(UUID.class)
                .optional()
                .map(h -> new Held(name, holder));
    }

    /** Whether {@code name} is held by anyone at {@code now}. */
    public boolean held(String name, Instant now) {
        return jdbc.sql("SELECT count(*) FROM leases WHERE name = :name AND held_until >= :now")
                .param("name", name).param("now", Timestamp.from(now))
                .query(Long.class).single() > 0;
    }
}
