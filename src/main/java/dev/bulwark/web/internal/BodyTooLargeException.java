package dev.bulwark.web.internal;

import java.io.IOException;

/** Thrown while reading a request body that grows past the configured limit (chunked bodies have no length). */
class BodyTooLargeException extends IOException {

    BodyTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes");
    }
}
