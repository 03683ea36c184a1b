package dev.bulwark.shared;

/** Visible, but not allowed to this caller: answered 403. */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String detail) {
        super(detail);
    }
}
