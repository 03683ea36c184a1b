package dev.bulwark.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Events are recorded through {@link AuditLog}'s entry points: no module outside audit builds an {@link AuditEvent}. */
class AuditEventConstructionTest {

    @Test
    void onlyTheAuditModuleBuildsAuditEvents() throws IOException {
        Path sources = Path.of("src/main/java/dev/bulwark");
        Path audit = sources.resolve("audit");
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> outside = files
                    .filter(f -> f.toString().endsWith(".java") && !f.startsWith(audit))
                    .filter(f -> read(f).contains("new AuditEvent("))
                    .toList();
            assertThat(outside).as("use an AuditLog entry point (callerAction, userEvent, anonymousEvent, systemAction, "
                    + "organisationAction, actorAction)").isEmpty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
