package dev.bulwark.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.bulwark.audit.CheckpointSink;

/**
 * Checkpoints as files: {@code <dir>/<tenant>/<treeSize>.note} (the signed note) and {@code <treeSize>.hashes} (the
 * 8-byte big-endian size it extends, then the 32-byte hashes of the events it adds). Files are created, never
 * replaced; point the directory at storage the database's owner cannot rewrite.
 */
public final class DirectoryCheckpointSink implements CheckpointSink {

    private static final Pattern NOTE = Pattern.compile("(\\d{1,19})\\.note");

    private final Path dir;

    public DirectoryCheckpointSink(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public void publish(UUID tenant, String note, long fromSize, long treeSize, byte[] eventHashes) {
        Path tenantDir = dir.resolve(tenant.toString());
        ByteBuffer hashes = ByteBuffer.allocate(8 + eventHashes.length).putLong(fromSize).put(eventHashes);
        try {
            Files.createDirectories(tenantDir);
            // The hashes first: a note on disk always has its hashes beside it.
            createOnce(tenantDir.resolve(treeSize + ".hashes"), hashes.array());
            createOnce(tenantDir.resolve(treeSize + ".note"), note.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + treeSize + " of " + tenant + " to " + dir, e);
        }
    }

    private static void createOnce(Path file, byte[] content) throws IOException {
        try {
            Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
        } catch (FileAlreadyExistsException e) {
            if (!Arrays.equals(Files.readAllBytes(file), content)) {
                throw new IllegalStateException(file + " already holds a different checkpoint of that size: the chain"
                        + " was rewritten, or two logs write to one directory");
            }
        }
    }

    @Override
    public List<Stored> stored(UUID tenant) {
        Path tenantDir = dir.resolve(tenant.toString());
        if (!Files.isDirectory(tenantDir)) {
            return List.of();
        }
        List<Stored> stored = new ArrayList<>();
        try (Stream<Path> files = Files.list(tenantDir)) {
            for (Path file : files.toList()) {
                Matcher m = NOTE.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long size = Long.parseLong(m.group(1));
                Path hashFile = tenantDir.resolve(size + ".hashes");
                long from = size;
                if (Files.exists(hashFile)) {
                    try (var in = Files.newInputStream(hashFile)) {
                        byte[] head = in.readNBytes(8);
                        from = head.length == 8 ? ByteBuffer.wrap(head).getLong() : size;
                    }
                }
                long fromSize = from;
                stored.add(new Stored(Files.readString(file, StandardCharsets.UTF_8), fromSize, size, () -> {
                    try {
                        byte[] all = Files.readAllBytes(hashFile);
                        return Arrays.copyOfRange(all, 8, all.length);
                    } catch (IOException e) {
                        return new byte[0];
                    }
                }));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints of " + tenant + " from " + dir, e);
        }
        stored.sort(Comparator.comparingLong(Stored::treeSize));
        return stored;
    }
}
