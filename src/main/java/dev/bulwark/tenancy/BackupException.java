package dev.bulwark.tenancy;

/** A backup, restore or drill that cannot go on; its message is the one line the command prints. */
public final class BackupException extends RuntimeException {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
