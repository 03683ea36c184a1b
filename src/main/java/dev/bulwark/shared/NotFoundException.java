package dev.bulwark.shared;

/** Nothing the caller may see is here (also for what exists but belongs to someone else): answered 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String detail) {
        super(detail);
    }
}
