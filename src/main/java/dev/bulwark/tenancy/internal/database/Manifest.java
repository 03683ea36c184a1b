package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.bulwark.tenancy.BackupException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A backup directory's {@code manifest.json}: every file with its size and SHA-256, and what a restore needs to know of
 * the database (when the backup began and ended, the WAL it needs). Written last, so a directory without one is an
 * unfinished backup; checked whole before a restore or a drill reads anything else.
 */
record Manifest(String format, String database, Instant startedAt, Instant finishedAt, String startWal, String stopWal,
                String stopLsn, boolean archiving, List<Entry> files) {

    static final String FILE = "manifest.json";
    static final String FORMAT = "bulwark-backup-1";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One file, its path relative to the backup directory with '/' separators. */
    record Entry(String path, long size, String sha256) {
    }

    void write(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("database", database);
        root.put("startedAt", startedAt.toString());
        root.put("finishedAt", finishedAt.toString());
        root.put("startWal", startWal);
        root.put("stopWal", stopWal);
        root.put("stopLsn", stopLsn);
        root.put("archiving", archiving);
        ArrayNode list = root.putArray("files");
        for (Entry e : files) {
            list.addObject().put("path", e.path()).put("size", e.size()).put("sha256", e.sha256());
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads {@code dir}'s manifest and checks every file it lists against its size and SHA-256, and that no listed path
     * leaves the directory; any failure is a {@link BackupException} naming the first file that does not match.
     */
    static Manifest readAndCheck(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BackupException("the backup " + dir + " is not a directory");
        }
        Path file = dir.resolve(FILE);
        Manifest manifest;
        try {
            manifest = parse(JSON.readTree(Files.readString(file)));
        } catch (NoSuchFileException e) {
            throw new BackupException("the backup " + dir + " has no " + FILE + " (unfinished or not a backup)");
        } catch (IOException | RuntimeException e) {
            throw new BackupException("the manifest of " + dir + " cannot be read: " + oneLine(e));
        }
        Path root = dir.toAbsolutePath().normalize();
        for (Entry e : manifest.files()) {
            Path p = root.resolve(e.path()).normalize();
            if (!p.startsWith(root) || e.path().isEmpty() || p.equals(root)) {
                throw new BackupException("the manifest names a path outside the backup: " + e.path());
            }
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != e.size()) {
                    throw new BackupException("the backup does not match its manifest: " + e.path()
                            + (Files.exists(p) ? " has another size" : " is missing"));
                }
                if (!sha256(p).equals(e.sha256())) {
                    throw new BackupException("the backup does not match its manifest: " + e.path() + " has another SHA-256");
                }
            } catch (IOException ex) {
                throw new BackupException("the backup cannot be read: " + e.path() + ": " + oneLine(ex));
            }
        }
        return manifest;
    }

    /** {@code dir}'s manifest, parsed, nothing checked against it yet. */
    static Manifest parseFile(Path dir) {
        try {
            return parse(JSON.readTree(Files.readString(dir.resolve(FILE))));
        } catch (IOException | RuntimeException e) {
            throw new BackupException("the manifest in " + dir + " cannot be read: " + oneLine(e));
        }
    }

    private static Manifest parse(JsonNode n) {
        if (!FORMAT.equals(n.path("format").asString(""))) {
            throw new IllegalArgumentException("not a " + FORMAT + " manifest");
        }
        List<Entry> files = new ArrayList<>();
        for (JsonNode f : n.required("files")) {
            String sha = f.required("sha256").asString();
            if (!sha.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("a sha256 is not 64 hex digits");
            }
            files.add(new Entry(f.required("path").asString(), f.required("size").asLong(), sha));
        }
        return new Manifest(n.required("format").asString(), n.required("database").asString(),
                Instant.parse(n.required("startedAt").asString()), Instant.parse(n.required("finishedAt").asString()),
                n.required("startWal").asString(), n.required("stopWal").asString(), n.required("stopLsn").asString(),
                n.required("archiving").asBoolean(), List.copyOf(files));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
