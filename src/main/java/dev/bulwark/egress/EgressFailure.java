package dev.bulwark.egress;

/**
 * A call egress made that did not end in a complete answer. {@link #reason()} is short and secret-free:
 * {@code timeout} (connect, read or total), {@code too-large} (the answer passed the cap), {@code refused} (the
 * connection was refused), {@code reset} (the connection broke), {@code tls} (the TLS handshake or the certificate
 * check failed), {@code protocol} (the answer was not valid HTTP/1.1).
 */
public class EgressFailure extends RuntimeException {

    private final String reason;

    public EgressFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EgressFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The short reason: timeout, too-large, refused, reset, tls or protocol. */
    public String reason() {
        return reason;
    }
}
