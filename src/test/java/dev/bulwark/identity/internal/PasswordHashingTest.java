package dev.bulwark.identity.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.bulwark.shared.ServiceUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Password hashing off the request threads (docs/resilience.md, "Overload"): a hash that has waited past its latest
 * start for a hashing thread is never started and answers 503, and past one waiting per thread a call answers 503 at
 * once. The hashing threads are held here by a stand-in encoder that waits for a latch, not by timing.
 */
class PasswordHashingTest {

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Test
    void aHashThatWaitedTooLongIsNotStartedAndOnePastTheQueueIsRefusedAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(THREADS);
        AtomicInteger started = new AtomicInteger();
        PasswordEncoder holding = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                started.incrementAndGet();
                running.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "held";
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return false;
            }
        };
        PasswordHashing.OffCarrier hashing = new PasswordHashing.OffCarrier(holding);
        List<CompletableFuture<String>> holders = new ArrayList<>();
        try {
            for (int i = 0; i < THREADS; i++) {
                holders.add(CompletableFuture.supplyAsync(() -> hashing.encode("x"), r -> Thread.ofPlatform().start(r)));
            }
            assertThat(running.await(30, TimeUnit.SECONDS)).as("every hashing thread busy").isTrue();

            // One waits per thread: each is admitted, and refused unstarted once its latest start has passed.
            List<CompletableFuture<String>> waiting = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> hashing.encode("y"), r -> Thread.ofPlatform().start(r)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (PasswordHashing.OffCarrier.ADMITTED.availablePermits() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(PasswordHashing.OffCarrier.ADMITTED.availablePermits()).as("running and waiting room full").isZero();
            // Past the waiting room: refused at once, without waiting for a thread.
            assertThatThrownBy(() -> hashing.encode("z")).isInstanceOf(ServiceUnavailableException.class);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PasswordHashing.OffCarrier.LATEST_START_NANOS) + 100);
            release.countDown();
            for (CompletableFuture<String> w : waiting) {
                assertThatThrownBy(() -> w.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ServiceUnavailableException.class)
                        .cause().hasMessageContaining("Retry after");
            }
            for (CompletableFuture<String> h : holders) {
                assertThat(h.get(30, TimeUnit.SECONDS)).isEqualTo("held");
            }
            assertThat(started).as("only the hashes that found a thread at once ran").hasValue(THREADS);
            assertThat(hashing.encode("after")).as("served again once the threads are free").isEqualTo("held");
        } finally {
            release.countDown();
        }
    }
}
