package dev.bulwark.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import dev.bulwark.audit.AuditSignatures;
import dev.bulwark.tenancy.BackupProperties;
import org.springframework.stereotype.Service;

/**
 * The drills this installation ran, as the trust center's {@code backup.drill} reads them: the newest report in
 * {@code <bulwark.backup.state-dir>/drills/}, with whether its signature verifies under this installation's audit key.
 */
@Service
public class DrillReports {

    static final String DIR = "drills";

    private final BackupProperties properties;
    private final AuditSignatures signatures;

    DrillReports(BackupProperties properties, AuditSignatures signatures) {
        this.properties = properties;
        this.signatures = signatures;
    }

    /** The newest report; a file that cannot be read counts as a failed, unsigned drill. */
    public Optional<DrillReport.Read> latest() {
        Path dir = properties.stateDirectory().resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<Path> newest;
        try (Stream<Path> files = Files.list(dir)) {
            newest = files.filter(f -> f.getFileName().toString().matches("drill-[0-9TZ]+\\.json"))
                    .max(Comparator.comparing(f -> f.getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
        return newest.map(this::read);
    }

    private DrillReport.Read read(Path file) {
        try {
            return DrillReport.read(Files.readString(file), signatures.verifierKey());
        } catch (IOException | RuntimeException e) {
            String name = file.getFileName().toString();
            java.time.Instant at = java.time.Instant.EPOCH;
            try {
                at = Files.getLastModifiedTime(file).toInstant();
            } catch (IOException ignored) {
                // the epoch: the report is failed and old either way
            }
            return new DrillReport.Read(new DrillReport(null, 0, 0, false, 0, at, "",
                    java.util.List.of("the report " + name + " cannot be read")), false);
        }
    }
}
