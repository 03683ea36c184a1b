package dev.bulwark.recovery.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.audit.AuditIntegrity;
import dev.bulwark.audit.AuditSignatures;
import dev.bulwark.recovery.IndependentChainCheck;
import dev.bulwark.verifier.OfflineVerifier;
import org.springframework.stereotype.Component;

/**
 * What a drill checks on the restored copy, from inside the application started on it: every organisation's chain is
 * exported exactly as {@code GET …/audit/export} writes it and handed to the offline verifier
 * ({@link OfflineVerifier}, which shares no code with the writer), with the signed checkpoints copied outside the
 * database and the database's own newest one; the newest one must equal its copy where a copy of its size exists.
 * Checkpoint copies larger than the restored chain are newer than the restore point and set aside (counted).
 */
@Component
public class Drill {

    /** The outcome over every organisation: what was verified, and each problem found, one line each. */
    public record Outcome(int orgs, long eventsVerified, long checkpointsMatched, long copiesBeyondRestore,
                          List<String> problems) {

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private static final int PAGE = 500;

    private final AuditIntegrity integrity;
    private final IndependentChainCheck chains;
    private final AuditSignatures signatures;

    Drill(AuditIntegrity integrity, IndependentChainCheck chains, AuditSignatures signatures) {
        this.integrity = integrity;
        this.chains = chains;
        this.signatures = signatures;
    }

    /** Verifies every chain; {@code copies} are directories of checkpoint copies ({@code <tenant>/<size>.note}). */
    public Outcome verifyAll(List<Path> copies, Path work) throws IOException {
        String key = signatures.verifierKey();
        int orgs = 0;
        long events = 0;
        long matched = 0;
        long beyond = 0;
        List<String> problems = new ArrayList<>();
        UUID after = null;
        while (true) {
            List<UUID> page = integrity.chains(after, PAGE);
            for (UUID tenant : page) {
                orgs++;
                Path export = work.resolve(tenant + ".ndjson");
                long size = export(tenant, export);
                TreeMap<Long, String> notes = new TreeMap<>();
                for (Path dir : copies) {
                    for (Path note : notes(dir.resolve(tenant.toString()))) {
                        long at = Long.parseLong(note.getFileName().toString().replace(".note", ""));
                        if (at > size) {
                            beyond++;
                            continue;
                        }
                        String text = Files.readString(note, StandardCharsets.UTF_8);
                        String other = notes.putIfAbsent(at, text);
                        if (other != null && !other.equals(text)) {
                            problems.add(tenant + ": two copies of checkpoint " + at + " differ");
                        }
                    }
                }
                Optional<AuditIntegrity.StoredCheckpoint> newest = integrity.latestCheckpoint(tenant);
                if (newest.isPresent()) {
                    String copy = notes.get(newest.get().size());
                    if (copy != null && !copy.equals(newest.get().note())) {
                        problems.add(tenant + ": the database's newest checkpoint (" + newest.get().size()
                                + ") differs from its copy outside the database");
                    } else if (copy != null) {
                        matched++;
                    }
                    notes.putIfAbsent(newest.get().size(), newest.get().note());
                }
                try {
                    OfflineVerifier.Result r = OfflineVerifier.verify(export, List.copyOf(notes.values()), key, tenant,
                            integrity.purgeFrontier(tenant).orElse(null));
                    events += r.checked();
                    if (!r.valid()) {
                        problems.add(tenant + ": INVALID at seq " + r.firstInvalidSeq() + ": " + r.problem());
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(tenant + ": " + e.getMessage());
                }
                Files.deleteIfExists(export);
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.getLast();
        }
        return new Outcome(orgs, events, matched, beyond, List.copyOf(problems));
    }

    /** Writes the tenant's chain as the export endpoint does; the last seq written (0 for none). */
    private long export(UUID tenant, Path file) {
        return chains.export(tenant, file);
    }

    private static List<Path> notes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9]+\\.note")).sorted().toList();
        }
    }

    /** Signs a drill report with the audit checkpoint key. */
    public byte[] sign(String context, byte[] report) {
        return signatures.sign(context, report);
    }

    public String verifierKey() {
        return signatures.verifierKey();
    }
}
