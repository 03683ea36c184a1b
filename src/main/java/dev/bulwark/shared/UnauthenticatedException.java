package dev.bulwark.shared;

/** No valid credential: answered 401 with one generic detail, whatever the exact reason. */
public class UnauthenticatedException extends RuntimeException {

    public UnauthenticatedException(String detail) {
        super(detail);
    }
}
