package dev.bulwark.identity.internal;

import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Encrypts the accounts V20 found in plaintext, before the application serves its first request: each row's email
 * and name become ciphertexts under the platform's keys, the email's blind index is set, and the plaintext columns
 * are cleared. A row changed meanwhile (its plaintext no longer the one read) is left for the next start. Then keys
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

    PlaintextBackfill(JdbcClient jdbc, FieldCipher cipher, Users users, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.users = users;
        this.transactions = transactions;
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
        int rekeyed = 0;
        do {
            done = transactions.execute(s -> rekeyBatch());
            rekeyed += done;
        } while (done == BATCH);
        if (rekeyed > 0) {
            log.info("Keyed the login addresses of {} accounts by their account and look-alike keys", rekeyed);
        }
    }

    /** Encrypts up to one batch of plaintext accounts; returns how many. */
    int batch() {
        record Plain(UUID id, String email, String name) {
        }
        List<Plain> rows = jdbc.sql("SELECT id, email, name FROM users WHERE email IS NOT NULL ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED")
                .param("n", BATCH)
                .query((rs, n) -> new Plain(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                .list();
        for (Plain row : rows) {
            jdbc.sql("""
                            UPDATE users SET email_ct = :email, name_ct = :name, email_bidx = :bidx,
                                email_lookalike_bidx = :lookalike, email = NULL, name = NULL
                            WHERE id = :id
                            """)
                    .param("id", row.id())
                    .param("email", cipher.encrypt(Users.field(row.id(), "email"), row.email()))
                    .param("name", cipher.encrypt(Users.field(row.id(), "name"), row.name()))
                    .param("bidx", users.emailIndex(keys(row.email())))
                    .param("lookalike", users.lookalikeIndex(keys(row.email())))
                    .update();
        }
        return rows.size();
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
