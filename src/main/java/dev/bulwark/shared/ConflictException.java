package dev.bulwark.shared;

/** The request clashes with the current state (a duplicate, a rule about existing data): answered 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String detail) {
        super(detail);
    }
}
