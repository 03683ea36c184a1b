package dev.bulwark.identity.internal;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.keys.FieldCipher;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7: a user's login email and name are stored only under the platform's keys, found through a blind index
 * (sign-in in any letter case, one account per address), and accounts from before V20 are encrypted at start.
 */
class AccountEncryptionTest extends IntegrationTest {

    @Autowired
    private PlaintextBackfill backfill;

    @Test
    void anAccountIsStoredEncryptedAndFoundByItsBlindIndexInAnyLetterCase() throws Exception {
        String email = uniqueEmail();
        UUID userId = UUID.fromString(signUp(email).get("userId").asString());
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT email, name, email_ct, name_ct, email_bidx FROM bulwark.users WHERE id = ?")) {
            ps.setObject(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isNull();
                assertThat(rs.getString(2)).isNull();
                assertThat(decrypt(new FieldCipher.Field(PLATFORM_ORG, "users", "email", userId), rs.getBytes(3))).isEqualTo(email);
                assertThat(rs.getBytes(5)).isEqualTo(loginEmailIndex(email.toUpperCase()));
            }
        }
        // The ciphertext is bound to its row: copied onto another account it does not open (a clear 500, no data).
        String other = uniqueEmail();
        UUID otherId = UUID.fromString(signUp(other).get("userId").asString());
        Person signedIn = signIn(other, otherId);
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark.users SET name_ct = (SELECT name_ct FROM bulwark.users WHERE id = ?) WHERE id = ?")) {
            ps.setObject(1, userId);
            ps.setObject(2, otherId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        HttpResponse<String> me = get("/api/v1/me", signedIn.auth());
        assertThat(me.statusCode()).isEqualTo(500);
        assertThat(me.body()).contains("undecryptable-data").doesNotContain("Test User");

        assertThat(postJson("/api/v1/auth/login", Map.of("email", "  " + email.toUpperCase() + " ", "password", STRONG_PASSWORD))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> again = postJson("/api/v1/signup", Map.of("email", email.toUpperCase(), "password", STRONG_PASSWORD,
                "name", "Twin", "organisationName", "Twin org"));
        assertThat(again.statusCode()).isEqualTo(409);
    }

    /**
     * An account as V1 wrote it, in plaintext: never used (not found by its address), sealed by the start-up step
     * ({@link PlaintextBackfill}), and then it signs in as any other. A plaintext value planted afterwards is refused,
     * not served; the next start clears it and keeps the ciphertext.
     */
    @Test
    void accountsStoredInPlaintextBeforeV20AreSealedAtStartAndPlaintextIsRefusedAfter() throws Exception {
        String template = uniqueEmail();
        UUID templateId = UUID.fromString(signUp(template).get("userId").asString());
        UUID legacy = UUID.randomUUID();
        String email = "Legacy." + uniqueEmail();
        // A row as V1 wrote it: plaintext email and name, the password hash of an account with the test password.
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO bulwark.users (id, email, name, password_hash, created_at)
                SELECT ?, ?, 'Legacy Person', password_hash, now() FROM bulwark.users WHERE id = ?""")) {
            ps.setObject(1, legacy);
            ps.setString(2, email);
            ps.setObject(3, templateId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)).statusCode())
                .as("not found before the step: sign-in reads only the blind index").isEqualTo(401);

        backfill.afterSingletonsInstantiated();

        assertThat(plaintextAccounts()).as("accounts left in plaintext").isZero();
        liftLock(email);
        assertThat(userIdOf(email.toLowerCase())).isEqualTo(legacy);
        HttpResponse<String> login = postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        HttpResponse<String> me = get("/api/v1/me", bearer(body(login)));
        assertThat(body(me).get("email").asString()).isEqualTo(email);
        assertThat(body(me).get("name").asString()).isEqualTo("Legacy Person");
        assertThat(postJson("/api/v1/signup", Map.of("email", email.toLowerCase(), "password", STRONG_PASSWORD,
                "name", "Twin", "organisationName", "Twin org")).statusCode()).as("the address is taken").isEqualTo(409);

        // Planted behind the application's back, after sealing: refused wherever it is read, never served.
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("UPDATE bulwark.users SET name = 'Planted Name' WHERE id = ?")) {
            ps.setObject(1, legacy);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        HttpResponse<String> refused = get("/api/v1/me", bearer(body(login)));
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).contains("undecryptable-data").doesNotContain("Planted").doesNotContain("Legacy Person");

        // The next start clears it; the ciphertext the application wrote is kept, not replaced by the planted value.
        backfill.afterSingletonsInstantiated();
        assertThat(plaintextAccounts()).isZero();
        assertThat(body(get("/api/v1/me", bearer(body(login)))).get("name").asString()).isEqualTo("Legacy Person");
    }

    private long plaintextAccounts() throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark.users WHERE email IS NOT NULL OR name IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void liftLock(String email) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("DELETE FROM bulwark.login_throttle WHERE subject_hash = ?")) {
            ps.setBytes(1, throttleSubject(email));
            ps.executeUpdate();
        }
    }
}
