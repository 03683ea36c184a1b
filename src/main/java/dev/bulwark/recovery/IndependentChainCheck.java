package dev.bulwark.recovery;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

import dev.bulwark.audit.AuditIntegrity;
import dev.bulwark.audit.AuditReader;
import dev.bulwark.audit.AuditSignatures;
import dev.bulwark.audit.CheckpointSink;
import dev.bulwark.verifier.OfflineVerifier;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * One organisation's chain verified by the independent verifier ({@link OfflineVerifier}, the code of
 * {@code audit-verify}, which shares nothing with the writer but docs/audit-chain.md), on the live database: the chain
 * is exported exactly as {@code GET …/audit/export} writes it and checked against every signed checkpoint the
 * installation holds — the database's newest and each copy outside it ({@link CheckpointSink}) — read before the
 * export, so the export must reach each of them, and the head row read before it too (the export must reach it). The
 * trust center's {@code audit.chains-verify} uses this, so a bug in the writer's own verifier cannot hide in the check
 * that vouches for the writer; the drill uses its export.
 */
@Service
public class IndependentChainCheck {

    /** What the verification found; {@code firstInvalidSeq} and {@code problem} are null when valid. */
    public record Outcome(boolean valid, long checked, Long firstInvalidSeq, String problem, long checkpointSize) {
    }

    private final AuditIntegrity integrity;
    private final AuditReader reader;
    private final AuditSignatures signatures;
    private final List<CheckpointSink> sinks;
    private final ObjectMapper json;

    IndependentChainCheck(AuditIntegrity integrity, AuditReader reader, AuditSignatures signatures, List<CheckpointSink> sinks,
                          ObjectMapper json) {
        this.integrity = integrity;
        this.reader = reader;
        this.signatures = signatures;
        this.sinks = sinks;
        this.json = json;
    }

    public Outcome verify(UUID tenant) {
        // Everything the export must reach is read first: later checkpoints and appends are not this run's.
        long head = integrity.headSeq(tenant);
        TreeMap<Long, String> notes = new TreeMap<>();
        for (CheckpointSink sink : sinks) {
            for (CheckpointSink.Stored stored : sink.stored(tenant)) {
                String other = notes.putIfAbsent(stored.treeSize(), stored.note());
                if (other != null && !other.equals(stored.note())) {
                    return new Outcome(false, 0, stored.treeSize(), "two signed checkpoints of size " + stored.treeSize() + " differ", 0);
                }
            }
        }
        integrity.latestCheckpoint(tenant).ifPresent(cp -> notes.putIfAbsent(cp.size(), cp.note()));
        byte[] frontier = integrity.purgeFrontier(tenant).orElse(null);
        Path file = null;
        try {
            file = Files.createTempFile("bulwark-chain-", ".ndjson");
            long last = export(tenant, file);
            OfflineVerifier.Result r = OfflineVerifier.verify(file, List.copyOf(notes.values()), signatures.verifierKey(), tenant,
                    frontier);
            if (!r.valid()) {
                return new Outcome(false, r.checked(), r.firstInvalidSeq(), r.problem(), r.checkpointSize());
            }
            if (last < head) {
                return new Outcome(false, r.checked(), last + 1, "the chain ends before its head row (seq " + head + ")",
                        r.checkpointSize());
            }
            return new Outcome(true, r.checked(), null, null, r.checkpointSize());
        } catch (IllegalArgumentException e) {
            return new Outcome(false, 0, 1L, e.getMessage(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary file left behind; the next run makes its own
                }
            }
        }
    }

    /** Writes the tenant's chain as the export endpoint does (one event a line, oldest first); the last seq written. */
    public long export(UUID tenant, Path file) {
        long[] last = {0};
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            reader.each(tenant, event -> {
                try {
                    writer.write(json.writeValueAsString(event));
                    writer.write('\n');
                    last[0] = event.seq();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return last[0];
    }
}
