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
 * are cleared. A row changed meanwhile (its plaintext no longer the one read) is left for the next start.
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
                            UPDATE users SET email_ct = :email, name_ct = :name, email_bidx = :bidx, email = NULL, name = NULL
                            WHERE id = :id
                            """)
                    .param("id", row.id())
                    .param("email", cipher.encrypt(Users.field(row.id(), "email"), row.email()))
                    .param("name", cipher.encrypt(Users.field(row.id(), "name"), row.name()))
                    .param("bidx", users.emailIndex(row.email()))
                    .update();
        }
        return rows.size();
    }
}
