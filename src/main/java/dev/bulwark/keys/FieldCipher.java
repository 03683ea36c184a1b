package dev.bulwark.keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;

import dev.bulwark.keys.internal.TenantKeys;
import dev.bulwark.shared.UndecryptableFieldException;
import org.springframework.stereotype.Service;

/**
 * The one way to encrypt a field: AES-256-GCM under the organisation's data keyset, with associated data binding the
 * organisation, table, column and row id, so a ciphertext copied to another row, column or organisation does not
 * decrypt ({@link UndecryptableFieldException}). Plaintext byte buffers are cleared after use; Java strings cannot be.
 */
@Service
public class FieldCipher {

    private final TenantKeys keys;

    FieldCipher(TenantKeys keys) {
        this.keys = keys;
    }

    /** Where a value lives: its organisation, table, column and row. */
    public record Field(UUID tenant, String table, String column, UUID row) {

        byte[] associatedData() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            for (String part : new String[] {"bulwark.field.v1", tenant.toString(), table, column, row.toString()}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                out.write(bytes.length >>> 8);
                out.write(bytes.length);
                out.writeBytes(bytes);
            }
            return out.toByteArray();
        }
    }

    /** The ciphertext of {@code plaintext} for {@code field}; null stays null. */
    public byte[] encrypt(Field field, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        byte[] bytes = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            return keys.of(field.tenant()).data().encrypt(bytes, field.associatedData());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt " + field.table() + "." + field.column(), e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The first 5 bytes of every ciphertext {@code tenant}'s primary key makes (Tink's prefix: 0x01, key id). */
    public byte[] primaryPrefix(UUID tenant) {
        return keys.primaryPrefix(tenant).clone();
    }

    /** Whether {@code ciphertext} of {@code tenant} was made by a key other than its primary one (null: no). */
    public boolean stale(UUID tenant, byte[] ciphertext) {
        if (ciphertext == null) {
            return false;
        }
        byte[] primary = keys.primaryPrefix(tenant);
        return ciphertext.length < primary.length || !Arrays.equals(ciphertext, 0, primary.length, primary, 0, primary.length);
    }

    /** {@code ciphertext} of {@code field} re-encrypted under the organisation's primary key (null stays null). */
    public byte[] reseal(Field field, byte[] ciphertext) {
        return ciphertext == null ? null : encrypt(field, decrypt(field, ciphertext));
    }

    /** The plaintext of {@code ciphertext} read from {@code field}; null stays null. */
    public String decrypt(Field field, byte[] ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        byte[] bytes = null;
        try {
            bytes = keys.of(field.tenant()).data().decrypt(ciphertext, field.associatedData());
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | KeysDestroyedException e) {
            throw new UndecryptableFieldException(field.table(), field.column());
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }
}
