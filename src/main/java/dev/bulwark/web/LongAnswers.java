package dev.bulwark.web;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import dev.bulwark.shared.ServiceUnavailableException;
import dev.bulwark.shared.TooManyRequestsException;
import dev.bulwark.web.internal.RequestSlot;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Long answers (the organisation export, the access request, the audit export) without holding the database while a
 * client reads them, and without one organisation taking every slot (docs/resilience.md, "Tenant fairness"):
 * <ol>
 *   <li>admission: at most {@code per-organisation} long answers of one organisation are in progress at once, from
 *       admission until the last byte is sent or the client goes; past that, 429 {@code too-many-requests} with
 *       {@code Retry-After};</li>
 *   <li>spooling: the caller's writer runs, inside its own short transaction, into a spool file, one at a time per
 *       organisation and at most {@code spooling} at once across the instance (so exports never take more than that
 *       many pool connections), each on a platform thread of its own (see {@link #onSpoolingThread}); an answer that
 *       waits longer than {@code spool-wait} for its turn answers 503;</li>
 *   <li>streaming: the answer is sent from the file, with no connection held, and the file is deleted when it has been
 *       sent, when the client goes, or when the request ends in any other way.</li>
 * </ol>
 * Each spool file is owner-only and encrypted (AES-GCM streaming, authenticated) under a key that exists only in this
 * answer's memory, so a file left behind by a crash reads as nothing; the directory is emptied at start and at stop.
 * A writer that loses a serialization race (a repeatable-read snapshot overtaken by a commit) is run again on a fresh
 * file, a few times.
 */
@Component
public class LongAnswers {

    /** Writes the whole answer to {@code out}, inside the transaction it opens itself. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(LongAnswers.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SEGMENT = 1 << 16;
    private static final int ATTEMPTS = 5;
    private static final String SUFFIX = ".spool";

    private final LongAnswerProperties properties;
    private final Path dir;
    private final boolean ownDir;
    private final Semaphore spooling;
    private final ExecutorService writers;
    private final Map<UUID, Integer> inProgress = new ConcurrentHashMap<>();
    /** One writer at a time per organisation (one small semaphore per organisation that ever exported, kept). */
    private final Map<UUID, Semaphore> turns = new ConcurrentHashMap<>();

    LongAnswers(LongAnswerProperties properties) throws IOException {
        this.properties = properties;
        this.spooling = new Semaphore(properties.spooling(), true);
        this.writers = Executors.newFixedThreadPool(properties.spooling(), Thread.ofPlatform().daemon().name("long-answer-", 0).factory());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (properties.spoolDir() == null) {
            this.dir = posix
                    ? Files.createTempDirectory("bulwark-spool-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("bulwark-spool-");
            this.ownDir = true;
        } else {
            this.dir = Files.createDirectories(properties.spoolDir().toAbsolutePath());
            this.ownDir = false;
            if (posix) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            removeSpoolFiles(); // left by a crash: unreadable without the keys that died with it
        }
    }

    /**
     * Admits a long answer of {@code org} (429 past the organisation's limit), spools it through {@code writer} and
     * returns the body that streams it. The admission is released when the answer is over, however it ends.
     */
    public StreamingResponseBody answer(UUID org, Writer writer) {
        admit(org);
        Spooled spooled;
        try {
            spooled = spool(org, writer);
        } catch (RuntimeException | Error e) {
            release(org);
            throw e;
        }
        AtomicBoolean over = new AtomicBoolean();
        Runnable end = () -> {
            if (over.compareAndSet(false, true)) {
                spooled.delete();
                release(org);
            }
        };
        whenRequestEnds(end);
        return out -> {
            try (InputStream in = spooled.open()) {
                in.transferTo(out);
                out.flush();
            } finally {
                end.run();
            }
        };
    }

    /** Long answers of {@code org} now in progress. */
    int inProgress(UUID org) {
        return inProgress.getOrDefault(org, 0);
    }

    /** Where the spool files are. */
    Path spoolDirectory() {
        return dir;
    }

    private void admit(UUID org) {
        boolean[] admitted = {false};
        inProgress.compute(org, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= properties.perOrganisation()) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            throw new TooManyRequestsException("This organisation already has " + properties.perOrganisation()
                    + " exports in progress. Retry after the time in Retry-After.", properties.retryAfter());
        }
    }

    private void release(UUID org) {
        inProgress.computeIfPresent(org, (k, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Waits for the organisation's turn (its answers are written one at a time: each locks the organisation's audit head
     * from its start, so two at once would only wait for each other, holding two connections) and then for a spooling
     * slot, within {@code spool-wait} in all; 503 past it.
     */
    private Spooled spool(UUID org, Writer writer) {
        // The wait and the spooling have limits of their own (one per organisation, `spooling` across the instance), so
        // the overload filter's API slot goes back now, to requests that need the pool: held through a spool-wait, one
        // organisation's burst of exports would take the slots of every other organisation's reads.
        RequestSlot.leaveEarly();
        long deadline = System.nanoTime() + properties.spoolWait().toNanos();
        Semaphore turn = turns.computeIfAbsent(org, k -> new Semaphore(1, true));
        if (!acquire(turn, deadline)) {
            throw new ServiceUnavailableException("This organisation's exports are being prepared. Retry after the time in Retry-After.");
        }
        try {
            if (!acquire(spooling, deadline)) {
                throw new ServiceUnavailableException("Too many exports are being prepared. Retry after the time in Retry-After.");
            }
            try {
                return onSpoolingThread(() -> spoolNow(writer));
            } finally {
                spooling.release();
            }
        } finally {
            turn.release();
        }
    }

    private static boolean acquire(Semaphore semaphore, long deadline) {
        try {
            return semaphore.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("Interrupted while waiting to prepare the export.");
        }
    }

    /**
     * Runs {@code work} on one of the spooling platform threads, with the request's context (its attributes, which the
     * audit event reads its IP from, and the log's request id), waiting for it: writing an answer is CPU work (JSON,
     * deflate, encryption), and the spooling threads bound how much of the cores a burst of exports takes.
     */
    private Spooled onSpoolingThread(java.util.function.Supplier<Spooled> work) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        Map<String, String> logContext = org.slf4j.MDC.getCopyOfContextMap();
        java.util.concurrent.Future<Spooled> done = writers.submit(() -> {
            RequestContextHolder.setRequestAttributes(attributes);
            if (logContext != null) {
                org.slf4j.MDC.setContextMap(logContext);
            }
            try {
                return work.get();
            } finally {
                RequestContextHolder.resetRequestAttributes();
                org.slf4j.MDC.clear();
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.cancel(true);
            throw new ServiceUnavailableException("Interrupted while preparing the export.");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Spooled spoolNow(Writer writer) {
        for (int attempt = 1; ; attempt++) {
            Spooled spooled = Spooled.create(dir);
            try {
                try (OutputStream out = new ClosingOnce(spooled.write())) {
                    writer.writeTo(out);
                }
                return spooled;
            } catch (IOException e) {
                spooled.delete();
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                spooled.delete();
                if (attempt < ATTEMPTS && lostRace(e)) {
                    continue;
                }
                if (lostRace(e)) {
                    throw new ServiceUnavailableException("The export kept meeting concurrent changes. Retry after the time in Retry-After.");
                }
                throw e;
            }
        }
    }

    /** A serialization failure or deadlock: the same work may succeed when run again. */
    private static boolean lostRace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConcurrencyFailureException) {
                return true;
            }
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Ends the answer when the request ends, even if the body never ran (a timeout, a client gone before it started). */
    private static void whenRequestEnds(Runnable end) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return;
        }
        WebAsyncUtils.getAsyncManager(servlet.getRequest()).registerCallableInterceptor(new Object(),
                new CallableProcessingInterceptor() {
                    @Override
                    public <T> void afterCompletion(NativeWebRequest request, java.util.concurrent.Callable<T> task) {
                        end.run();
                    }
                });
    }

    @PreDestroy
    void stop() throws IOException {
        writers.shutdownNow();
        removeSpoolFiles();
        if (ownDir) {
            Files.deleteIfExists(dir);
        }
    }

    private void removeSpoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** One spool file and the key it is encrypted under (never written anywhere). */
    private record Spooled(Path file, StreamingAead aead, byte[] associated) {

        static Spooled create(Path dir) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            try {
                boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
                if (!Files.isDirectory(dir)) {
                    // Removed under us (a temporary-file cleaner sweeping /tmp on a long-running host): made again,
                    // owner-only, rather than failing every long answer until a restart.
                    Files.createDirectories(dir);
                    if (posix) {
                        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    }
                }
                Path file = posix
                        ? Files.createTempFile(dir, "answer-", SUFFIX, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createTempFile(dir, "answer-", SUFFIX);
                return new Spooled(file, new AesGcmHkdfStreaming(key, "HmacSha256", 32, SEGMENT, 0),
                        file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
            }
        }

        OutputStream write() throws IOException {
            try {
                return aead.newEncryptingStream(Files.newOutputStream(file), associated);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt the spool file", e);
            }
        }

        InputStream open() throws IOException {
            try {
                return aead.newDecryptingStream(Files.newInputStream(file), associated);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot decrypt the spool file", e);
            }
        }

        void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Could not delete a spool file: {}", e.getMessage());
            }
        }
    }

    /** Lets a writer close its stream (a ZIP does) without closing it twice. */
    private static final class ClosingOnce extends FilterOutputStream {
        private boolean closed;

        ClosingOnce(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }
    }
}
