package dev.bulwark.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.internal.Checkpointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keys fail closed (docs/resilience.md): an installation with data never starts without its keys, on another
 * installation's keys, on a wrong passphrase, or with a replaced key file; each refusal is one line naming the cause
 * and what to do, with no stack trace, and writes nothing. Its own keys restored, it starts and its audit log verifies.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeysFailClosedTest {

    private static final String PASSPHRASE = "keys-fail-closed passphrase 42";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void dataNeverStartsOnMissingWrongOrReplacedKeysAndStartsAgainOnItsOwn(CapturedOutput output) throws Exception {
        Path ours = Files.createTempDirectory("bulwark-custody-");
        Path theirs = Files.createTempDirectory("bulwark-custody-other-");
        Path keys = ours.resolve("keys");
        Path backup = Files.createTempDirectory("bulwark-custody-backup-").resolve("keys");

        // An installation with data: an account, its organisation with an encrypted contact, a signed checkpoint.
        String email = "custody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UUID org;
        long checkpointsSigned;
        try (ConfigurableApplicationContext app = start(ours, PASSPHRASE)) {
            int port = port(app);
            JsonNode created = body(post(port, "/api/v1/signup", null, Map.of("email", email, "password",
                    IntegrationTest.STRONG_PASSWORD, "name", "Custodian", "organisationName", "Custody Org")), 201);
            org = UUID.fromString(created.get("organisationId").asString());
            String token = accessToken(port, email);
            body(post(port, "/api/v1/orgs/" + org + "/contacts", token, Map.of("name", "Kept Under Key")), 201);
            checkpointsSigned = app.getBean(Checkpointer.class).checkpointAll(true);
        }
        assertThat(checkpointsSigned).as("a checkpoint is published").isGreaterThanOrEqualTo(1);
        // Another installation, fresh: it generates keys of its own.
        try (ConfigurableApplicationContext other = start(theirs, PASSPHRASE)) {
            assertThat(theirs.resolve("keys/root-keyset.json")).exists();
        }
        copy(keys, backup);
        Map<String, String> before = snapshot(ours);

        // The key directory removed: refused, and no key is generated.
        delete(keys);
        refused(output, ours, PASSPHRASE, "this installation has data but its root keyset "
                + keys.resolve("root-keyset.json") + " is missing");
        assertThat(keys.resolve("root-keyset.json")).doesNotExist();

        // Another installation's key directory, same passphrase: its root keyset opens none of our keysets.
        copy(theirs.resolve("keys"), keys);
        refused(output, ours, PASSPHRASE, "opens none of this installation's organisation keysets");

        // Our keys, the wrong passphrase.
        delete(keys);
        copy(backup, keys);
        refused(output, ours, "not the passphrase it was sealed with", "does not open with this passphrase");

        // Our root keyset with another installation's checkpoint key, then with its access-token signing keys.
        for (String file : List.of("audit-checkpoint.key", "jwt-signing.jwks.json")) {
            Files.copy(theirs.resolve("keys").resolve(file), keys.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            refused(output, ours, PASSPHRASE, keys.resolve(file) + " does not open under this root key");
            Files.copy(backup.resolve(file), keys.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }

        // Our checkpoint key gone while checkpoints are published: refused, never a new key.
        Files.delete(keys.resolve("audit-checkpoint.key"));
        refused(output, ours, PASSPHRASE, "its audit checkpoint key " + keys.resolve("audit-checkpoint.key") + " is missing");
        assertThat(keys.resolve("audit-checkpoint.key")).doesNotExist();
        Files.copy(backup.resolve("audit-checkpoint.key"), keys.resolve("audit-checkpoint.key"));

        assertThat(snapshot(ours)).as("no refused start wrote anything").isEqualTo(before);

        // Its own keys back: it starts, signs in, reads the contact, and the audit log verifies against its checkpoints.
        try (ConfigurableApplicationContext app = start(ours, PASSPHRASE)) {
            int port = port(app);
            String token = accessToken(port, email);
            assertThat(get(port, "/api/v1/orgs/" + org + "/contacts", token).body()).contains("Kept Under Key");
            JsonNode verified = body(get(port, "/api/v1/orgs/" + org + "/audit/verify", token), 200);
            assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.get("checkpointsMatched").asLong()).isGreaterThanOrEqualTo(1);
        }
    }

    /** A start on {@code dir} fails with the one line {@code expected}: no stack trace printed, nothing written. */
    private static void refused(CapturedOutput output, Path dir, String passphrase, String expected) {
        int mark = output.getAll().length();
        assertThatThrownBy(() -> start(dir, passphrase).close())
                .rootCause().isInstanceOf(KeysRefusedException.class).hasMessageContaining(expected);
        String printed = output.getAll().substring(mark);
        assertThat(printed).contains("Bulwark refuses to start: ").contains(expected)
                .containsPattern("(restore this installation's key directory|set BULWARK_KEYS_ROOT_PASSPHRASE)")
                .doesNotContain("\tat ").doesNotContain("Caused by").doesNotContain("Error creating bean");
    }

    private static ConfigurableApplicationContext start(Path dir, String passphrase) {
        return new SpringApplicationBuilder(BulwarkApplication.class).run(
                "--server.port=0",
                "--bulwark.database.embedded.data-dir=" + dir,
                "--bulwark.database.embedded.durable=false",
                "--bulwark.keys.root-passphrase=" + passphrase,
                "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                "--bulwark.mail.dir=" + dir.resolve("mail"));
    }

    /** Every row of every table of Bulwark's schema (as the superuser), and the checkpoint directory's files. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> state = new TreeMap<>();
        try (Connection c = IntegrationTest.connectAs(dir, "postgres"); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'bulwark'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                // Names come from the catalogue, never from input.
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
                        + " FROM bulwark.\"" + table + "\" t")) {
                    rs.next();
                    state.put(table, rs.getString(1));
                }
            }
        }
        try (Stream<Path> files = Files.walk(dir.resolve("checkpoints"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                state.put("file " + dir.relativize(file), Long.toString(Files.size(file)));
            }
        }
        return state;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private String accessToken(int port, String email) throws Exception {
        return body(post(port, "/api/v1/auth/login", null, Map.of("email", email, "password", IntegrationTest.STRONG_PASSWORD)), 200)
                .get("accessToken").asString();
    }

    private JsonNode body(HttpResponse<String> response, int expected) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(int port, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }
}
