package dev.bulwark.identity.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.bulwark.identity.PasswordHashingParameters;
import dev.bulwark.shared.RequestDeadline;
import dev.bulwark.shared.ServiceUnavailableException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id with OWASP's minimum parameters set explicitly, so a library default can never weaken them. Hashing runs on
 * platform threads of its own, one per core, with a short queue bounded in length and in time: a burst of sign-ins
 * hashing on the request threads would take every core and stall every other request, the health probes and the 503s
 * of the overload filter included (docs/resilience.md, "Overload"); bounded, the excess answers 503 and the caller
 * waits blocked.
 */
@Configuration(proxyBeanMethods = false)
class PasswordHashing {

    static final int SALT_BYTES = PasswordHashingParameters.CURRENT.saltBytes();
    static final int HASH_BYTES = PasswordHashingParameters.CURRENT.hashBytes();
    static final int PARALLELISM = PasswordHashingParameters.CURRENT.parallelism();
    static final int MEMORY_KIB = PasswordHashingParameters.CURRENT.memoryKiB();
    static final int ITERATIONS = PasswordHashingParameters.CURRENT.iterations();

    @Bean
    PasswordEncoder passwordEncoder() {
        return new OffCarrier(new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, PARALLELISM, MEMORY_KIB, ITERATIONS));
    }

    /**
     * Runs another encoder's work on a fixed pool of daemon platform threads, one per core, with at most one more
     * hash waiting per core, and not started once it has waited 300 ms: past that (a burst of sign-ins), 503 with
     * {@code Retry-After}, before anything is read or recorded, rather than a queue that holds the overload filter's
     * request slots while it drains. A request under pressure (one with a {@link RequestDeadline}: it entered the
     * server at its limit) waits for its hash no later than its deadline, and answers the same 503 past it.
     */
    static final class OffCarrier implements PasswordEncoder {

        private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
        private static final ExecutorService HASHERS = Executors.newFixedThreadPool(THREADS,
                Thread.ofPlatform().daemon().name("password-hash-", 0).factory());
        /**
         * One hash running and one waiting per thread: under a flood a hash takes hundreds of milliseconds of wall time
         * on its shared core, and each hash waiting ahead adds that to a sign-in. With four waiting per thread the
         * served sign-ins were the only requests the server took over 1 s for (20–129 of them in 30 s of 1,000
         * connections); with one, 15–43; with one and {@link #LATEST_START_NANOS} as well, 5–32 (docs/benchmarks.md,
         * "Overload").
         */
        static final Semaphore ADMITTED = new Semaphore(THREADS * 2);
        /**
         * A hash that has waited longer than this for its thread is not started: the sign-in answers 503 instead of a
         * success that comes seconds late (the hash itself still takes what the shared cores give it). Long enough that
         * a few sign-ups at once on a loaded two-core machine are all served (one hash takes about 50 ms alone).
         */
        static final long LATEST_START_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

        private static final String BUSY = "Too many passwords are being checked. Retry after the time in Retry-After.";

        private final PasswordEncoder delegate;

        OffCarrier(PasswordEncoder delegate) {
            this.delegate = delegate;
        }

        @Override
        public String encode(CharSequence raw) {
            return run(() -> delegate.encode(raw));
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            return run(() -> delegate.matches(raw, encoded));
        }

        @Override
        public boolean upgradeEncoding(String encoded) {
            return delegate.upgradeEncoding(encoded);
        }

        private static <T> T run(Callable<T> work) {
            long remaining = RequestDeadline.remainingNanos();
            if (remaining <= 0 || !ADMITTED.tryAcquire()) {
                throw new ServiceUnavailableException(BUSY);
            }
            long latestStart = System.nanoTime() + Math.min(LATEST_START_NANOS, remaining);
            try {
                Future<T> hash = HASHERS.submit(() -> {
                    if (System.nanoTime() - latestStart > 0) {
                        throw new ServiceUnavailableException(BUSY);
                    }
                    return work.call();
                });
                if (remaining == Long.MAX_VALUE) {
                    return hash.get();
                }
                try {
                    return hash.get(RequestDeadline.remainingNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // Past the request's deadline: the answer is a 503 now, the hash's result is never read (nothing
                    // is decided or recorded from it), and a hash not yet started never starts.
                    hash.cancel(false);
                    throw new ServiceUnavailableException(BUSY);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hashing a password", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                ADMITTED.release();
            }
        }
    }
}
