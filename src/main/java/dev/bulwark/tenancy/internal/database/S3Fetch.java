package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.bulwark.tenancy.BackupException;

/**
 * {@code restore --from-s3}: fetches a backup that {@link S3Copy} copied, and the WAL segments after it, into a local
 * working directory ({@code backup/}, {@code archive/}) that {@link Restore} then restores from. The manifest comes
 * first; every file it lists is fetched and its SHA-256 compared with the manifest's as it is written; then the
 * segments from the backup's {@code startWal} on, one after the other on its timeline, until the store has no next
 * one, and the timeline history files there are.
 */
final class S3Fetch {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private S3Fetch() {
    }

    record Fetched(Path backup, Path archive, int files, int segments) {
    }

    static Fetched fetch(S3Store store, String name, Path work) throws IOException {
        if (!NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new BackupException("--from-s3 must name a backup directory as copied (backup-20261205T021948Z), was '"
                    + name.replaceAll("\\s+", " ") + "'");
        }
        Path backup = Files.createDirectories(work.resolve("backup"));
        Path archive = Files.createDirectories(work.resolve("archive"));
        String base = "backups/" + name + "/";
        byte[] manifestBytes = store.get(store.key(base + Manifest.FILE)).orElseThrow(() -> new BackupException(
                "there is no complete backup " + name + " at " + store.where(store.key(base)) + " (no manifest.json)"));
        write(backup.resolve(Manifest.FILE), manifestBytes);
        Manifest manifest = Manifest.parseFile(backup);
        Path root = backup.toAbsolutePath().normalize();
        for (Manifest.Entry e : manifest.files()) {
            Path to = root.resolve(e.path()).normalize();
            if (!to.startsWith(root) || to.equals(root)) {
                throw new BackupException("the manifest names a path outside the backup: " + e.path());
            }
            byte[] bytes = store.get(store.key(base + e.path())).orElseThrow(() -> new BackupException(
                    "the copy of " + name + " lacks " + e.path()));
            if (!SigV4.sha256Hex(bytes).equals(e.sha256())) {
                throw new BackupException("the backup does not match its manifest: " + e.path() + " has another SHA-256"
                        + " in " + store.where(store.key(base)));
            }
            Files.createDirectories(to.getParent());
            write(to, bytes);
        }
        int segments = 0;
        long segmentSize = -1;
        String segment = manifest.startWal();
        while (true) {
            Optional<byte[]> wal = store.get(store.key("wal/" + segment));
            if (wal.isEmpty()) {
                break;
            }
            write(archive.resolve(segment), wal.get());
            segments++;
            if (segmentSize < 0) {
                segmentSize = wal.get().length;
            }
            segment = next(segment, segmentSize);
        }
        for (int timeline = 2; timeline < 1000; timeline++) {
            String history = String.format("%08X.history", timeline);
            Optional<byte[]> h = store.get(store.key("wal/" + history));
            if (h.isEmpty()) {
                break;
            }
            write(archive.resolve(history), h.get());
        }
        return new Fetched(backup, archive, manifest.files().size(), segments);
    }

    /** The segment after {@code name} on its timeline. */
    static String next(String name, long segmentSize) {
        long perLog = 0x1_0000_0000L / segmentSize;
        long n = Long.parseLong(name.substring(8, 16), 16) * perLog + Long.parseLong(name.substring(16, 24), 16) + 1;
        return name.substring(0, 8) + String.format("%08X%08X", n / perLog, n % perLog);
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                c.write(buffer);
            }
            c.force(true);
        }
    }
}
