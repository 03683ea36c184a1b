package dev.bulwark.workspace.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import org.springframework.stereotype.Component;

/**
 * The workspace's encrypted columns: {@code <column>_ct} holds the {@link FieldCipher} ciphertext, bound to the
 * organisation, table, column and row. A value left in the plaintext {@code <column>} from before encryption was
 * sealed at start-up; one found now is refused, never served (docs/encryption.md).
 */
@Component
class Sealed {

    private final FieldCipher cipher;

    Sealed(FieldCipher cipher) {
        this.cipher = cipher;
    }

    /** The ciphertext of {@code value} for {@code table.column} of row {@code row} in {@code org}. */
    byte[] seal(UUID org, String table, String column, UUID row, String value) {
        return cipher.encrypt(new FieldCipher.Field(org, table, column, row), value);
    }

    /** The value of {@code column} of the current row: its ciphertext opened; refused if it is in plaintext. */
    String open(ResultSet rs, UUID org, String table, String column, UUID row) throws SQLException {
        return open(rs, org, table, column, column, row);
    }

    /** The same, where the ciphertext is bound to {@code boundColumn} (e.g. a version's body). */
    String open(ResultSet rs, UUID org, String table, String column, String boundColumn, UUID row) throws SQLException {
        return cipher.open(new FieldCipher.Field(org, table, boundColumn, row), rs.getBytes(column + "_ct"), rs.getString(column));
    }
}
