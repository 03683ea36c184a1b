package dev.bulwark.recovery;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dr-drill --database-url}: a second PostgreSQL started by the test plays an external database restored by its
 * platform's tools; Bulwark ran on it (an organisation signed up), and the drill starts the application on it, verifies
 * every chain with the independent verifier against the installation's checkpoint copies, and signs its report.
 * Bad usage is refused.
 */
class ExternalDrillTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDrillVerifiesARestoredExternalDatabase(@TempDir Path dir) throws Exception {
        String ownerPassword = "owner-" + UUID.randomUUID();
        String appPassword = "app-" + UUID.randomUUID();
        Path state = dir.resolve("state");
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("external")).start()) {
            String operatorSql = Files.readString(Path.of("docs/sql/external-database.sql"))
                    .replace(":'owner_password'", "'" + ownerPassword + "'")
                    .replace(":'app_password'", "'" + appPassword + "'");
            try (Connection admin = external.getPostgresDatabase().getConnection(); Statement s = admin.createStatement()) {
                for (String statement : operatorSql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
            }
            String url = "postgres://localhost:" + external.getPort() + "/bulwark";
            List<String> settings = List.of("--bulwark.database.owner-password=" + ownerPassword,
                    "--bulwark.database.app-password=" + appPassword,
                    "--bulwark.database.embedded.data-dir=" + dir.resolve("embedded-must-not-start"),
                    "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                    "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                    "--bulwark.backup.state-dir=" + state);
            List<String> run = new ArrayList<>(List.of("--server.port=0", "--bulwark.database.url=" + url,
                    "--bulwark.mail.dir=" + dir.resolve("mail")));
            run.addAll(settings);
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BulwarkApplication.class)
                    .run(run.toArray(String[]::new))) {
                int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
                String email = "drill-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/v1/signup"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\""
                                + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"Ext\",\"organisationName\":\"External Org\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            }

            // Usage: --database-url with --from is refused.
            Run wrong = drill("--database-url", url, "--from", dir.toString());
            assertThat(wrong.status()).isEqualTo(2);
            assertThat(wrong.err()).contains("give neither --from nor --archive");

            List<String> args = new ArrayList<>(List.of("--database-url", url));
            args.addAll(settings);
            Run drilled = drill(args.toArray(String[]::new));
            assertThat(drilled.status()).as(drilled.err()).isZero();
            JsonNode report = JSON.readTree(drilled.out());
            assertThat(report.get("valid").asBoolean()).isTrue();
            assertThat(report.get("orgs").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(report.get("eventsVerified").asLong()).isGreaterThanOrEqualTo(1);
            List<Path> reports;
            try (Stream<Path> files = Files.list(state.resolve("drills"))) {
                reports = files.toList();
            }
            assertThat(reports).hasSize(1);
            JsonNode file = JSON.readTree(Files.readString(reports.getFirst()));
            assertThat(file.get("signature").asString()).isNotBlank();
            assertThat(DrillReport.verify(file.get("verifierKey").asString(), "bulwark.backup-drill.v1",
                    file.get("report").asString(), java.util.Base64.getDecoder().decode(file.get("signature").asString())))
                    .isTrue();
        }
        assertThat(dir.resolve("embedded-must-not-start")).doesNotExist();
    }

    record Run(int status, String out, String err) {
    }

    private static Run drill(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DrillCommand.run(BulwarkApplication.class, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
