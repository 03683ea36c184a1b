package dev.bulwark.keys;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Before the application serves its first request, every value still in a plaintext column from before its table was
 * encrypted (V14, V15, V16) is encrypted under its organisation's key and the plaintext cleared, each module's
 * {@link Resealer} doing its own tables. From then on a plaintext value is refused wherever it is read
 * ({@code FieldCipher#open}), never served (docs/encryption.md). An organisation whose keys cannot be used now (its
 * KMS refuses) is left as it is and logged: its plaintext rows stay refused until a later start seals them.
 * Purged organisations hold no such rows: their keys are destroyed and their data deleted. Accounts and TOTP seeds, under
 * the platform's keys, are sealed the same way by the identity module's own start-up step
 * ({@code identity/internal/PlaintextBackfill}).
 */
@Component
public class PlaintextSealing implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(PlaintextSealing.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final List<Resealer> resealers;

    PlaintextSealing(JdbcClient jdbc, List<Resealer> resealers) {
        this.jdbc = jdbc;
        this.resealers = resealers;
    }

    @Override
    public void afterSingletonsInstantiated() {
        int sealed = sealAll();
        if (sealed > 0) {
            log.info("Encrypted {} rows stored in plaintext from before their columns were encrypted", sealed);
        }
    }

    /** Seals every plaintext row of every live organisation; returns how many rows. */
    public int sealAll() {
        int total = 0;
        for (UUID org : jdbc.sql("SELECT id FROM organisations WHERE purged_at IS NULL ORDER BY id").query(UUID.class).list()) {
            try {
                total += seal(org);
            } catch (RuntimeException e) {
                log.warn("Rows of organisation {} stored in plaintext could not be encrypted now; they are refused until"
                        + " they are: {}", org, e.toString());
            }
        }
        return total;
    }

    /** Seals every plaintext row of {@code org}; returns how many. */
    public int seal(UUID org) {
        int total = 0;
        for (Resealer resealer : resealers) {
            int done;
            do {
                done = resealer.sealPlaintextBatch(org, BATCH);
                total += done;
            } while (done == BATCH);
        }
        return total;
    }
}
