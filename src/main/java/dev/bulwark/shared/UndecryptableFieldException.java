package dev.bulwark.shared;

/**
 * A stored field does not decrypt for the row, column and organisation it was read for: moved, altered, or its key
 * destroyed. Never answered with the data of any other row; the edge maps it to a problem that says so.
 */
public class UndecryptableFieldException extends RuntimeException {

    public UndecryptableFieldException(String table, String column) {
        super("A stored " + table + "." + column + " value cannot be decrypted for this record");
    }

    protected UndecryptableFieldException(String message) {
        super(message);
    }
}
