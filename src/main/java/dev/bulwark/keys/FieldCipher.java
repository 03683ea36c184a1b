package dev.bulwark.keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;

import dev.bulwark.keys.internal.TenantKeys;
import dev.bulwark.shared.PlaintextAtRestException;
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
            return associatedData(prefix(tenant, table, column), row);
        }

        /** The associated data up to the row: the same for every row of one column. */
        static byte[] prefix(UUID tenant, String table, String column) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(96);
            for (String part : new String[] {"bulwark.field.v1", tenant.toString(), table, column}) {
                part(out, part);
            }
            return out.toByteArray();
        }

        static byte[] associatedData(byte[] prefix, UUID row) {
            byte[] id = row.toString().getBytes(StandardCharsets.US_ASCII); // always 36 characters
            byte[] out = Arrays.copyOf(prefix, prefix.length + 2 + id.length);
            out[prefix.length] = (byte) (id.length >>> 8);
            out[prefix.length + 1] = (byte) id.length;
            System.arraycopy(id, 0, out, prefix.length + 2, id.length);
            return out;
        }

        private static void part(ByteArrayOutputStream out, String part) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
    }

    /**
     * One column of one organisation, for reading many of its rows in a row (a chain verification): the associated
     * data up to the row is built once. The organisation's keys are looked up on every call, as {@link #decrypt} does,
     * so a key destroyed or revoked meanwhile still refuses.
     */
    public final class Column {

        private final UUID tenant;
        private final String table;
        private final String column;
        private final byte[] prefix;

        private Column(UUID tenant, String table, String column) {
            this.tenant = tenant;
            this.table = table;
            this.column = column;
            this.prefix = Field.prefix(tenant, table, column);
        }

        /**
         * The plaintext of {@code ciphertext} read from {@code row} of this column, as the UTF-8 bytes that were
         * encrypted; null stays null. The caller clears them once used.
         */
        public byte[] decryptUtf8(UUID row, byte[] ciphertext) {
            return open(tenant, table, column, Field.associatedData(prefix, row), ciphertext);
        }
    }

    /** A reader of {@code table.column} of {@code tenant}'s rows. */
    public Column column(UUID tenant, String table, String column) {
        return new Column(tenant, table, column);
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

    /**
     * The value of {@code field} as a row holds it: {@code ciphertext} decrypted, null when there is none; refused
     * ({@link PlaintextAtRestException}) when the row's plaintext column from before encryption ({@code plaintext})
     * still holds a value.
     */
    public String open(Field field, byte[] ciphertext, String plaintext) {
        if (plaintext != null) {
            throw new PlaintextAtRestException(field.table(), field.column());
        }
        return decrypt(field, ciphertext);
    }

    /** The plaintext of {@code ciphertext} read from {@code field}; null stays null. */
    public String decrypt(Field field, byte[] ciphertext) {
        byte[] bytes = open(field.tenant(), field.table(), field.column(), field.associatedData(), ciphertext);
        if (bytes == null) {
            return null;
        }
        try {
            return new String(bytes, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private byte[] open(UUID tenant, String table, String column, byte[] associatedData, byte[] ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        try {
            return keys.of(tenant).data().decrypt(ciphertext, associatedData);
        } catch (GeneralSecurityException | KeysDestroyedException e) {
            throw new UndecryptableFieldException(table, column);
        }
    }
}
