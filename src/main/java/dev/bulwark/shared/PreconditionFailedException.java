package dev.bulwark.shared;

/** A write whose {@code If-Match} names a version that is no longer current: answered 412, nothing written. */
public class PreconditionFailedException extends RuntimeException {

    public PreconditionFailedException(String message) {
        super(message);
    }
}
