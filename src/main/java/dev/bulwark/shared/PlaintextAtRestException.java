package dev.bulwark.shared;

/**
 * A row holds in plaintext a value that must be stored encrypted: every plaintext from before encryption was sealed
 * at start-up (docs/encryption.md), so one found now is refused like a value that does not decrypt, never served.
 */
public class PlaintextAtRestException extends UndecryptableFieldException {

    public PlaintextAtRestException(String table, String column) {
        super("A stored " + table + "." + column + " value is in plaintext where only a ciphertext may be; it is refused");
    }
}
