package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import dev.bulwark.shared.OwnerOnlyFiles;
import dev.bulwark.tenancy.DatabaseBackups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The record of the last base backup, {@code last-backup.json} in {@code bulwark.backup.state-dir}: written by every
 * backup, the command line's and the schedule's, read by the trust center. Replaced atomically.
 */
final class BackupState {

    static final String LAST_BACKUP = "last-backup.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private BackupState() {
    }

    static void recordBackup(Path stateDir, DatabaseBackups.LastBackup backup) {
        var node = JSON.createObjectNode()
                .put("dir", backup.dir().toString())
                .put("finishedAt", backup.finishedAt().toString())
                .put("files", backup.files())
                .put("bytes", backup.bytes());
        OwnerOnlyFiles.write(stateDir.resolve(LAST_BACKUP), JSON.writeValueAsString(node));
    }

    static Optional<DatabaseBackups.LastBackup> lastBackup(Path stateDir) {
        Path file = stateDir.resolve(LAST_BACKUP);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            return Optional.of(new DatabaseBackups.LastBackup(Path.of(n.required("dir").asString()),
                    Instant.parse(n.required("finishedAt").asString()), n.required("files").asInt(), n.required("bytes").asLong()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
