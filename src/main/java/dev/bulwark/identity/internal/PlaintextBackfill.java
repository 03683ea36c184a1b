package dev.bulwark.identity.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.TenantScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The identity module's start-up sealing, run before the application serves its first request (as
 * {@code keys/PlaintextSealing} is for the organisations' tables; these are under the platform's keys, and one of them is
 * a global table, so they are sealed here rather than per organisation):
 * <ul>
 * <li>accounts V20 found in plaintext: each row's email and name become ciphertexts under the platform's keys, the
 * email's blind index is set, and the plaintext columns are cleared;</li>
 * <li>TOTP seeds enrolled before V19, whose users V42 marked: encrypted, bound to their user, and the plaintext
 * cleared.</li>
 * </ul>
 * A row that already holds a ciphertext keeps it: a plaintext value found beside it (written behind the application's
 * back) is cleared, never encrypted over it. From then on a plaintext value is refused where it is read
 * ({@link FieldCipher#open}), never used. Rows are locked while sealed ({@code FOR UPDATE}), so no write is lost. Then keys
 * accounts from before V26 by {@link EmailAddresses}' account and look-alike keys.
 */
@Component
class PlaintextBackfill implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(PlaintextBackfill.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final FieldCipher cipher;
    private final Users users;
    private final TransactionTemplate transactions;
    private final TenantScope scope;

    PlaintextBackfill(JdbcClient jdbc, FieldCipher cipher, Users users, TransactionTemplate transactions, TenantScope scope) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.users = users;
        this.transactions = transactions;
        this.scope = scope;
    }

    @Override
    public void afterSingletonsInstantiated() {
        int total = 0;
        int done;
        do {
            done = transactions.execute(s -> batch());
            total += done;
        } while (done == BATCH);
        if (total > 0) {
            log.info("Encrypted the email and name of {} accounts stored in plaintext", total);
        }
        int seeds = sealSeeds();
        if (seeds > 0) {
            log.info("Encrypted {} TOTP seeds stored in plaintext", seeds);
        }
        int rekeyed = 0;
        do {
            done = transactions.execute(s -> rekeyBatch());
            rekeyed += done;
        } while (done == BATCH);
        if (rekeyed > 0) {
            log.info("Keyed the login addresses of {} accounts by their account and look-alike keys", rekeyed);
        }
    }

    /**
     * Encrypts up to one batch of accounts holding a plaintext email or name; returns how many. A column that already
     * has its ciphertext keeps it (and the blind index stays), its plaintext only cleared.
     */
    int batch() {
        record Plain(UUID id, String email, String name, byte[] emailCt, byte[] nameCt) {
        }
        List<Plain> rows = jdbc.sql("""
                        SELECT id, email, name, email_ct, name_ct FROM users WHERE email IS NOT NULL OR name IS NOT NULL
                        ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED
                        """)
                .param("n", BATCH)
                .query((rs, n) -> new Plain(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBytes(4),
                        rs.getBytes(5)))
                .list();
        for (Plain row : rows) {
            boolean fromPlain = row.emailCt() == null; // the row's constraint: then email and name are both in plaintext
            jdbc.sql("""
                            UPDATE users SET email_ct = :email, name_ct = :name, email_bidx = coalesce(:bidx, email_bidx),
                                email_lookalike_bidx = coalesce(:lookalike, email_lookalike_bidx), email = NULL, name = NULL
                            WHERE id = :id
                            """)
                    .param("id", row.id())
                    .param("email", fromPlain ? cipher.encrypt(Users.field(row.id(), "email"), row.email()) : row.emailCt())
                    .param("name", row.nameCt() == null ? cipher.encrypt(Users.field(row.id(), "name"), row.name()) : row.nameCt())
                    .param("bidx", fromPlain ? users.emailIndex(keys(row.email())) : null)
                    .param("lookalike", fromPlain ? users.lookalikeIndex(keys(row.email())) : null)
                    .update();
        }
        return rows.size();
    }

    /**
     * Encrypts the TOTP seeds V42 found in plaintext (their users marked {@code totp_seed_in_plaintext}: row-level
     * security hides every other user's seed, so the mark is how they are found); returns how many.
     */
    int sealSeeds() {
        int total = 0;
        List<UUID> marked;
        do {
            marked = jdbc.sql("SELECT id FROM users WHERE totp_seed_in_plaintext ORDER BY id LIMIT :n")
                    .param("n", BATCH).query(UUID.class).list();
            for (UUID user : marked) {
                total += scope.asUser(user, () -> sealSeed(user));
            }
        } while (marked.size() == BATCH);
        return total;
    }

    /**
     * Seals the user's seed if it is in plaintext and clears their mark, bound to the user in one transaction; 1 if a
     * seed was sealed. A seed that already has its ciphertext keeps it, the plaintext beside it only cleared.
     */
    private int sealSeed(UUID user) {
        record Seed(String plain, byte[] sealed) {
        }
        List<Seed> seeds = jdbc.sql("SELECT secret, secret_ct FROM totp_factors WHERE user_id = :user AND secret IS NOT NULL FOR UPDATE")
                .param("user", user)
                .query((rs, n) -> new Seed(rs.getString(1), rs.getBytes(2)))
                .list();
        for (Seed seed : seeds) {
            jdbc.sql("UPDATE totp_factors SET secret_ct = :sealed, secret = NULL WHERE user_id = :user")
                    .param("user", user)
                    .param("sealed", seed.sealed() != null ? seed.sealed() : cipher.encrypt(SecondFactors.seed(user), seed.plain()))
                    .update();
        }
        jdbc.sql("UPDATE users SET totp_seed_in_plaintext = false WHERE id = :user").param("user", user).update();
        return seeds.size();
    }

    /**
     * Re-keys up to one batch of encrypted accounts from before V26 (no look-alike index yet): their account index
     * was over the whole address lower-cased, which differs from the account key only for non-ASCII local parts.
     */
    int rekeyBatch() {
        record Sealed(UUID id, byte[] email) {
        }
        List<Sealed> rows = jdbc.sql("""
                        SELECT id, email_ct FROM users WHERE email_lookalike_bidx IS NULL AND email_ct IS NOT NULL
                        ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED
                        """)
                .param("n", BATCH)
                .query((rs, n) -> new Sealed(rs.getObject(1, UUID.class), rs.getBytes(2)))
                .list();
        for (Sealed row : rows) {
            EmailAddresses.Keys keys = keys(cipher.decrypt(Users.field(row.id(), "email"), row.email()));
            jdbc.sql("UPDATE users SET email_bidx = :bidx, email_lookalike_bidx = :lookalike WHERE id = :id")
                    .param("id", row.id())
                    .param("bidx", users.emailIndex(keys))
                    .param("lookalike", users.lookalikeIndex(keys))
                    .update();
        }
        return rows.size();
    }

    /** The keys of a stored address; one that no longer parses keeps its lower-cased form as both keys. */
    private static EmailAddresses.Keys keys(String email) {
        String lowered = email.strip().toLowerCase(java.util.Locale.ROOT);
        return EmailAddresses.of(email).orElse(new EmailAddresses.Keys(lowered, lowered));
    }
}
