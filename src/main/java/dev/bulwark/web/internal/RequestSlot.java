package dev.bulwark.web.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The overload filter's slot held by the current request (docs/resilience.md, "Overload"). A request that is about to
 * wait on something with limits of its own — a long answer waiting for its organisation's turn to spool, which the
 * long answers' own limits bound — gives its slot back early, so requests that need the database pool can run
 * meanwhile. Given back once: the filter's own release at the end of the request is then a no-op.
 */
public final class RequestSlot {

    static final String ATTRIBUTE = RequestSlot.class.getName();

    private final Runnable release;
    private final AtomicBoolean held = new AtomicBoolean(true);

    RequestSlot(Runnable release) {
        this.release = release;
    }

    /** Gives the current request's slot back now, if it holds one; nothing happens outside a request. */
    public static void leaveEarly() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes != null
                && attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) instanceof RequestSlot slot) {
            slot.leave();
        }
    }

    void leave() {
        if (held.compareAndSet(true, false)) {
            release.run();
        }
    }
}
