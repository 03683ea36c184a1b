package dev.bulwark.shared;

/** The server cannot take this request now (no room for it): answered 503 {@code service-unavailable} with {@code Retry-After}. */
public class ServiceUnavailableException extends RuntimeException {

    public ServiceUnavailableException(String detail) {
        super(detail);
    }
}
