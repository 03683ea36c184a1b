package dev.bulwark.audit;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Where signed checkpoints are copied outside the database, with the event hashes each one adds: the evidence that
 * catches a rewrite of the whole database, chain and checkpoints alike. An implementation must be append-only to the
 * database's owner (another machine, object storage with object lock, a log pipeline); Bulwark ships a directory sink
 * ({@code bulwark.audit.checkpoint-dir}). A sink that cannot be read back returns nothing from {@link #stored}.
 */
public interface CheckpointSink {

    /**
     * Records checkpoint {@code note} of tenant {@code tenant}'s tree of {@code treeSize} events, and the hashes of
     * events {@code fromSize + 1 .. treeSize} (32 bytes each, in order). Publishing the same checkpoint twice is not an
     * error; publishing a different one for a size already stored is.
     */
    void publish(UUID tenant, String note, long fromSize, long treeSize, byte[] eventHashes);

    /** What this sink holds for {@code tenant}, ordered by tree size. */
    List<Stored> stored(UUID tenant);

    /** One stored checkpoint; the event hashes are read when asked for. */
    record Stored(String note, long fromSize, long treeSize, Supplier<byte[]> eventHashes) {
    }
}
