package dev.bulwark.shared;

/**
 * A key that wraps an organisation's keysets cannot be used: its KMS refuses (access revoked, key disabled or
 * destroyed) or cannot be reached. The organisation's encrypted data is unreadable until it can. Never names the key.
 */
public class KeyUnavailableException extends RuntimeException {

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
