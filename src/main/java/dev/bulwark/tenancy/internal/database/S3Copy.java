package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.bulwark.egress.Egress;
import dev.bulwark.shared.OwnerOnlyFiles;
import dev.bulwark.tenancy.BackupException;
import dev.bulwark.tenancy.BackupProperties;
import dev.bulwark.tenancy.DatabaseBackups;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The copy to S3-compatible storage (docs/backups.md): every {@code bulwark.backup.s3.interval} the running
 * application copies each WAL segment (and history file) of the archive not yet copied to {@code <prefix>wal/<name>},
 * and the last base backup recorded in the state directory, if not yet copied, file by file to
 * {@code <prefix>backups/<directory name>/<path>}, {@code manifest.json} last (so an object store holding a manifest
 * holds the whole backup). Each file is read, its SHA-256 compared with the manifest's before it is sent, and sent with
 * that SHA-256 for S3 to check on receipt. What was copied and the last failure go to {@code s3-copy.json} in the state
 * directory, which the trust check {@code backup.fresh} reads; a failure is also logged loudly, without a secret.
 */
@Component
class S3Copy {

    private static final Logger log = LoggerFactory.getLogger(S3Copy.class);
    static final String STATE = "s3-copy.json";
    static final String WAL_COPIED = "s3-wal-copied.txt";
    /** Segments (24 hex digits) and timeline history files; not {@code .partial} or {@code .backup} files. */
    private static final Pattern ARCHIVED = Pattern.compile("[0-9A-F]{24}|[0-9A-F]{8}\\.history");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final BackupProperties backup;
    private final S3Properties properties;
    private final Clock clock;
    private final S3Store store;
    private final Set<String> walCopied = new HashSet<>();
    private final Object wakeUp = new Object();
    private volatile boolean closed;
    private Thread runner;

    S3Copy(BackupProperties backup, S3Properties properties, ObjectProvider<Egress> egress, ObjectProvider<Clock> clock) {
        this.backup = backup;
        this.properties = properties;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.store = properties.configured() ? new S3Store(properties, egress.getObject(), this.clock) : null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (store == null) {
            return;
        }
        log.info("Backups and archived WAL are copied to {} every {}", store.where(store.key("")), properties.interval());
        runner = Thread.ofVirtual().name("s3-copy").start(() -> {
            while (!closed) {
                pass();
                synchronized (wakeUp) {
                    if (!closed) {
                        try {
                            wakeUp.wait(properties.interval().toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /** Stops the rounds after the one under way, if any, ends (not interrupted: that would cut an upload). */
    @PreDestroy
    void stop() throws InterruptedException {
        synchronized (wakeUp) {
            closed = true;
            wakeUp.notifyAll();
        }
        if (runner != null) {
            runner.join(java.time.Duration.ofMinutes(1));
        }
    }

    /** One round: the archive's new files, then the last backup if it is new; true when everything copied. */
    synchronized boolean pass() {
        if (store == null) {
            return true;
        }
        State state = read(backup.stateDirectory());
        try {
            copyWal(state);
            copyLastBackup(state);
            State now = read(backup.stateDirectory());
            write(new State(now.backup, now.backupAt, now.wal, now.walAt, clock.instant(), now.failedAt, now.failure, 0));
            return true;
        } catch (IOException | RuntimeException e) {
            // Anything, so that the rounds go on and the failure is seen; messages carry no credential.
            String reason = e instanceof BackupException ? e.getMessage() : Manifest.oneLine(e);
            log.error("S3 COPY FAILED: {}; trying again in {}", reason, properties.interval());
            state = read(backup.stateDirectory());
            write(new State(state.backup, state.backupAt, state.wal, state.walAt, state.okAt, clock.instant(), reason,
                    state.failures + 1));
            return false;
        }
    }

    private void copyWal(State state) throws IOException {
        Path archive = backup.archiveDirectory();
        if (archive == null || !Files.isDirectory(archive)) {
            return;
        }
        Path copiedList = backup.stateDirectory().resolve(WAL_COPIED);
        if (walCopied.isEmpty() && Files.isRegularFile(copiedList)) {
            walCopied.addAll(Files.readAllLines(copiedList, StandardCharsets.UTF_8));
        }
        List<Path> files;
        try (Stream<Path> all = Files.list(archive)) {
            files = all.filter(p -> ARCHIVED.matcher(p.getFileName().toString()).matches())
                    .filter(p -> !walCopied.contains(p.getFileName().toString()))
                    .sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            byte[] bytes = Files.readAllBytes(f); // basic_archive renames a segment into place only once it is whole
            store.put(store.key("wal/" + name), bytes, SigV4.sha256Hex(bytes));
            Files.createDirectories(copiedList.getParent());
            Files.writeString(copiedList, name + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            walCopied.add(name);
            State now = read(backup.stateDirectory());
            write(new State(now.backup, now.backupAt, name.endsWith(".history") ? now.wal : name,
                    name.endsWith(".history") ? now.walAt : clock.instant(), now.okAt, now.failedAt, now.failure, now.failures));
        }
    }

    private void copyLastBackup(State state) throws IOException {
        Optional<DatabaseBackups.LastBackup> last = BackupState.lastBackup(backup.stateDirectory());
        if (last.isEmpty()) {
            return;
        }
        Path dir = last.get().dir();
        String name = dir.getFileName().toString();
        String id = name + "@" + last.get().finishedAt();
        if (id.equals(state.backup)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new BackupException("the last backup " + dir + " is gone before it was copied");
        }
        Manifest manifest = Manifest.parseFile(dir);
        Path root = dir.toAbsolutePath().normalize();
        for (Manifest.Entry e : manifest.files()) {
            Path file = root.resolve(e.path()).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                throw new BackupException("the manifest of " + dir + " names a path outside the backup: " + e.path());
            }
            byte[] bytes = Files.readAllBytes(file); // each file read once: checked against the manifest, then sent
            String sha = SigV4.sha256Hex(bytes);
            if (bytes.length != e.size() || !sha.equals(e.sha256())) {
                throw new BackupException("the backup " + dir + " does not match its manifest: " + e.path()
                        + " has another SHA-256; not copied");
            }
            store.put(store.key("backups/" + name + "/" + e.path()), bytes, sha);
        }
        byte[] manifestBytes = Files.readAllBytes(dir.resolve(Manifest.FILE));
        store.put(store.key("backups/" + name + "/" + Manifest.FILE), manifestBytes, SigV4.sha256Hex(manifestBytes));
        log.info("Base backup {} copied to {} ({} files)", dir, store.where(store.key("backups/" + name + "/")),
                manifest.files().size() + 1);
        State now = read(backup.stateDirectory());
        write(new State(id, clock.instant(), now.wal, now.walAt, now.okAt, now.failedAt, now.failure, now.failures));
    }

    /**
     * What the copy reached: the last backup copied ({@code <name>@<finishedAt>}) and when, the last segment copied and
     * when, the end of the last round that copied everything, and the last failure (its time and its secret-free
     * reason) with the rounds failed since the last complete one.
     */
    record State(String backup, Instant backupAt, String wal, Instant walAt, Instant okAt, Instant failedAt, String failure,
                 int failures) {

        /** The last round failed. */
        boolean failing() {
            return failedAt != null && (okAt == null || failedAt.isAfter(okAt));
        }
    }

    static State read(Path stateDir) {
        Path file = stateDir.resolve(STATE);
        if (!Files.isRegularFile(file)) {
            return new State(null, null, null, null, null, null, null, 0);
        }
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            return new State(text(n, "backup"), time(n, "backupAt"), text(n, "wal"), time(n, "walAt"), time(n, "okAt"),
                    time(n, "failedAt"), text(n, "failure"), n.path("failures").asInt(0));
        } catch (IOException | RuntimeException e) {
            return new State(null, null, null, null, null, Instant.EPOCH, "the copy's state file cannot be read", 1);
        }
    }

    private void write(State s) {
        var node = JSON.createObjectNode();
        node.put("backup", s.backup);
        node.put("backupAt", s.backupAt == null ? null : s.backupAt.toString());
        node.put("wal", s.wal);
        node.put("walAt", s.walAt == null ? null : s.walAt.toString());
        node.put("okAt", s.okAt == null ? null : s.okAt.toString());
        node.put("failedAt", s.failedAt == null ? null : s.failedAt.toString());
        node.put("failure", s.failure);
        node.put("failures", s.failures);
        OwnerOnlyFiles.write(backup.stateDirectory().resolve(STATE), JSON.writeValueAsString(node));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isString() ? v.asString() : null;
    }

    private static Instant time(JsonNode n, String field) {
        String t = text(n, field);
        return t == null ? null : Instant.parse(t);
    }
}
