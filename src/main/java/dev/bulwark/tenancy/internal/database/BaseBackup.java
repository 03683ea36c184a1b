package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.tenancy.BackupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consistent base backup of a running cluster, online, through PostgreSQL's low-level API over JDBC (the embedded
 * binaries have no {@code pg_basebackup}): {@code pg_backup_start}, a copy of the cluster's files, then
 * {@code pg_backup_stop}, whose label becomes the copy's {@code backup_label}. The WAL from the backup's start to its
 * stop is copied in too, so the backup restores on its own, without the archive; with the archive a restore goes on
 * from there. Beside the database it holds what a restore needs: the key directories (the root keyset as sealed, the
 * signing keys), the audit checkpoint copies and, embedded, the role passwords. Everything is written to a hidden
 * sibling directory first and renamed into place once the manifest is written, so a failed backup leaves nothing at
 * the target.
 */
final class BaseBackup {

    private static final Logger log = LoggerFactory.getLogger(BaseBackup.class);

    /**
     * What PostgreSQL's documentation says to leave out of a base backup (directories kept, their contents not), and
     * zonky's lock file.
     */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map",
            "backup_label.old", "tablespace_map.old", "epg-lock", "pg_internal.init", "recovery.signal", "standby.signal");

    /** The other files a restore needs: copied from {@code source} to {@code into} in the backup. */
    record Extra(Path source, String into) {
    }

    private final Path cluster;
    private final List<Extra> extras;
    private final String database;
    private final List<Manifest.Entry> written = new ArrayList<>();
    private Path staging;

    BaseBackup(Path cluster, List<Extra> extras, String database) {
        this.cluster = cluster;
        this.extras = extras;
        this.database = database;
    }

    /** Takes the backup into {@code target} (absent or empty) over {@code superuser}, a superuser's connection. */
    Manifest take(Connection superuser, Path target) {
        Path dir = target.toAbsolutePath().normalize();
        requireEmptyTarget(dir, "back up into");
        staging = dir.resolveSibling("." + dir.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Manifest manifest = copy(superuser);
            manifest.write(staging);
            moveInto(staging, dir);
            log.info("Base backup of {} into {}: {} files, WAL {}..{}", cluster, dir, manifest.files().size(),
                    manifest.startWal(), manifest.stopWal());
            return manifest;
        } catch (IOException e) {
            throw new BackupException("cannot write the backup into " + dir + ": " + Manifest.oneLine(e), e);
        } catch (SQLException e) {
            throw new BackupException("the database refused the backup: " + Manifest.oneLine(e), e);
        } finally {
            deleteTree(staging);
        }
    }

    private Manifest copy(Connection c) throws SQLException, IOException {
        boolean archiving;
        long segmentSize;
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = 0");
            archiving = !string(s, "SHOW archive_mode").equals("off");
            segmentSize = Long.parseLong(string(s, "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
        }
        Instant startedAt;
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp(), pg_backup_start(?, true)")) {
            ps.setString(1, "bulwark base backup");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                startedAt = rs.getTimestamp(1).toInstant();
            }
        }
        Path pgTblspc = cluster.resolve("pg_tblspc");
        try (Stream<Path> spaces = Files.isDirectory(pgTblspc) ? Files.list(pgTblspc) : Stream.empty()) {
            if (spaces.findAny().isPresent()) {
                throw new BackupException("the cluster has tablespaces, which these backups do not copy");
            }
        }
        copyCluster();
        for (Extra extra : extras) {
            copyExtra(extra);
        }
        String label;
        String spcmap;
        String stopLsn;
        String stopWal;
        Instant finishedAt;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT b.lsn::text, b.labelfile, b.spcmapfile, pg_walfile_name(b.lsn), clock_timestamp()"
                     + " FROM pg_backup_stop(false) b")) {
            rs.next();
            stopLsn = rs.getString(1);
            label = rs.getString(2);
            spcmap = rs.getString(3);
            stopWal = rs.getString(4);
            finishedAt = rs.getTimestamp(5).toInstant();
        }
        write("postgres/backup_label", label);
        if (spcmap != null && !spcmap.isEmpty()) {
            write("postgres/tablespace_map", spcmap);
        }
        String startWal = label.lines().filter(l -> l.startsWith("START WAL LOCATION:")).findFirst()
                .map(l -> l.substring(l.indexOf("(file ") + 6, l.lastIndexOf(')')))
                .orElseThrow(() -> new BackupException("pg_backup_stop returned a label without its start"));
        for (String segment : segments(startWal, stopWal, segmentSize)) {
            Path wal = cluster.resolve("pg_wal").resolve(segment);
            if (!Files.exists(wal)) {
                throw new BackupException("WAL segment " + segment + " was removed before the backup could copy it");
            }
            copyFile(wal, "postgres/pg_wal/" + segment);
        }
        return new Manifest(Manifest.FORMAT, database, startedAt, finishedAt, startWal, stopWal, stopLsn, archiving,
                List.copyOf(written));
    }

    /** The segment names from {@code first} to {@code last} on the same timeline, in order. */
    static List<String> segments(String first, String last, long segmentSize) {
        long perLog = 0x1_0000_0000L / segmentSize;
        String timeline = first.substring(0, 8);
        long from = Long.parseLong(first.substring(8, 16), 16) * perLog + Long.parseLong(first.substring(16, 24), 16);
        long to = Long.parseLong(last.substring(8, 16), 16) * perLog + Long.parseLong(last.substring(16, 24), 16);
        if (!last.startsWith(timeline) || to < from) {
            throw new BackupException("the backup's WAL runs from " + first + " to " + last + ", which is not one range");
        }
        List<String> names = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            names.add(timeline + String.format("%08X%08X", n / perLog, n % perLog));
        }
        return names;
    }

    private void copyCluster() throws IOException {
        Files.walkFileTree(cluster, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = cluster.relativize(dir);
                Files.createDirectories(staging.resolve("postgres").resolve(rel));
                if (rel.getNameCount() == 1 && EMPTIED.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        Files.createDirectories(staging.resolve("postgres/pg_wal/archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (dir.getFileName().toString().startsWith("pgsql_tmp")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (!attrs.isRegularFile() || SKIPPED.contains(name) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                copyFile(file, "postgres/" + slashes(cluster.relativize(file)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // dropped while copied: WAL replay recreates what existed
                }
                throw e;
            }
        });
    }

    private void copyExtra(Extra extra) throws IOException {
        Path source = extra.source().toAbsolutePath().normalize();
        if (!Files.exists(source)) {
            return;
        }
        if (Files.isRegularFile(source)) {
            copyFile(source, extra.into());
            return;
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    continue; // a file being replaced atomically
                }
                String into = extra.into() + "/" + slashes(source.relativize(f));
                if (written.stream().anyMatch(e -> e.path().equals(into))) {
                    continue; // the same directory configured twice (keys, auth and audit share one by default)
                }
                copyFile(f, into);
            }
        }
    }

    private void copyFile(Path from, String into) throws IOException {
        Path to = staging.resolve(into);
        Files.createDirectories(to.getParent());
        MessageDigest sha = Manifest.newSha256();
        long size;
        try (InputStream in = Files.newInputStream(from);
             FileChannel channel = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha);
            size = in.transferTo(out);
            out.flush();
            channel.force(true);
        } catch (NoSuchFileException e) {
            if (into.startsWith("postgres/") && !into.startsWith("postgres/pg_wal/")) {
                Files.deleteIfExists(to);
                return; // a relation file dropped while copied
            }
            throw e;
        }
        written.add(new Manifest.Entry(into, size, HexFormat.of().formatHex(sha.digest())));
    }

    private void write(String into, String content) throws IOException {
        Path to = staging.resolve(into);
        byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(to, bytes, StandardOpenOption.CREATE_NEW);
        MessageDigest sha = Manifest.newSha256();
        written.add(new Manifest.Entry(into, bytes.length, HexFormat.of().formatHex(sha.digest(bytes))));
    }

    private static String string(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String slashes(Path relative) {
        return relative.toString().replace(java.io.File.separatorChar, '/');
    }

    /** Refuses a target that exists and is not an empty directory. */
    static void requireEmptyTarget(Path dir, String what) {
        if (!Files.exists(dir)) {
            if (dir.getParent() == null || !Files.isDirectory(dir.getParent())) {
                throw new BackupException("cannot " + what + " " + dir + ": its parent directory does not exist");
            }
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new BackupException("cannot " + what + " " + dir + ": it is not a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new BackupException("cannot " + what + " " + dir + ": it is not empty");
            }
        } catch (IOException e) {
            throw new BackupException("cannot " + what + " " + dir + ": " + Manifest.oneLine(e));
        }
    }

    /** Renames the finished {@code staging} onto {@code dir} (absent, or an empty directory it replaces). */
    static void moveInto(Path staging, Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            Files.delete(dir); // empty, checked before; rename(2) would replace it anyway on Linux
        }
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
