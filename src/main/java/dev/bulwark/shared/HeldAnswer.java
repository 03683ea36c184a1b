package dev.bulwark.shared;

import java.util.ArrayList;
import java.util.List;

/**
 * Work that must be done after a request's transaction has committed and before its held answer leaves: the request
 * gate holds an organisation request's answer until its transaction commits, and then runs what was registered here,
 * in order, on the request's thread, before a byte of the answer is written. A failure of that work fails the request
 * like a failed commit: the held answer is dropped and the failure is answered as a problem.
 * <p>The audit log uses it to record a disclosure (a read that returns personal data) in the chain after the read's
 * own transaction, grouped with concurrent disclosures of the same organisation, and still before the answer leaves
 * (docs/audit-chain.md, "Disclosures"). Outside a gated request nothing is open, and callers record in their
 * transaction instead ({@link #isOpen()}).
 */
public final class HeldAnswer {

    private static final ThreadLocal<List<Runnable>> PENDING = new ThreadLocal<>();

    private HeldAnswer() {
    }

    /** Opens the scope of one held answer on this thread; {@link Scope#close()} restores the one it nested in, if any. */
    public static Scope open() {
        List<Runnable> outer = PENDING.get();
        PENDING.set(new ArrayList<>());
        return new Scope(outer);
    }

    /** Whether an answer is held on this thread, so that {@link #beforeRelease} will run before it leaves. */
    public static boolean isOpen() {
        return PENDING.get() != null;
    }

    /** Runs {@code work} after this request's transaction commits and before its answer leaves. */
    public static void beforeRelease(Runnable work) {
        List<Runnable> pending = PENDING.get();
        if (pending == null) {
            throw new IllegalStateException("no answer is held on this thread");
        }
        pending.add(work);
    }

    /** One held answer's scope: {@link #release()} runs its work once committed; {@link #close()} always ends it. */
    public static final class Scope implements AutoCloseable {

        private final List<Runnable> outer;

        private Scope(List<Runnable> outer) {
            this.outer = outer;
        }

        /** Runs the registered work in order; the first failure propagates and the rest is not run. */
        public void release() {
            List<Runnable> pending = PENDING.get();
            // Work may register more work (none does today); run until nothing is left.
            for (int i = 0; pending != null && i < pending.size(); i++) {
                pending.get(i).run();
            }
        }

        @Override
        public void close() {
            if (outer == null) {
                PENDING.remove();
            } else {
                PENDING.set(outer);
            }
        }
    }
}
