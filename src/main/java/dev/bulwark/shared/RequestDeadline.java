package dev.bulwark.shared;

/**
 * The moment by which the current request should be answered, when it runs under pressure (docs/resilience.md,
 * "Overload"): the overload filter sets one for a request that entered its class at the limit — it had to wait for a
 * slot, took the last one, or came within a deadline's length of the class being full — and clears it when the
 * request ends. Work that can wait long on a starved machine (a password hash on a shared core) gives up at the
 * deadline and answers 503 with {@code Retry-After} instead of a success that comes seconds late. A request that
 * found room has no deadline: however slow the machine, it is served.
 * <p>Held per thread: requests run on platform threads from start to end (web/internal/RequestThreads); work handed to
 * another thread reads the deadline before it hands it over.
 */
public final class RequestDeadline {

    private static final ThreadLocal<long[]> AT = new ThreadLocal<>();

    private RequestDeadline() {
    }

    /** From now until {@link #clear()}, the current thread's request should be answered by {@code nanoTime}. */
    public static void set(long nanoTime) {
        AT.set(new long[] {nanoTime});
    }

    /** The current thread's request has no deadline any more. */
    public static void clear() {
        AT.remove();
    }

    /**
     * Nanoseconds left until the current request's deadline (zero or less once it passed), or {@link Long#MAX_VALUE}
     * when it has none.
     */
    public static long remainingNanos() {
        long[] at = AT.get();
        return at == null ? Long.MAX_VALUE : at[0] - System.nanoTime();
    }
}
