package dev.bulwark.tenancy.internal.database;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.bulwark.IntegrationTest;
import dev.bulwark.OwnInstallation;
import dev.bulwark.egress.Egress;
import dev.bulwark.tenancy.BackupCommands;
import dev.bulwark.tenancy.BackupProperties;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.internal.Controls;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy of backups and archived WAL to S3 against a real S3 server (s3proxy, in memory, checking SigV4) on
 * 127.0.0.1:27813, which the test configuration's egress allow list names: a base backup is copied file by file (each
 * object's SHA-256 the manifest's), the archive's segments are copied (each object equal to its file), a restore from
 * the copy alone brings back what was written before and after the backup, a wrong secret key fails loudly (a log line,
 * {@code backup.fresh} failing with the reason for operators) and no secret is ever logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class S3CopyTest {

    private static final String BUCKET = "bulwark-backups";
    private static final String ACCESS = "bulwark-test-access";
    private static final String SECRET = "S3cret-Never-Logged-7f3a9c";
    private static final String WRONG = "Wr0ng-Secret-Never-Logged-51b2";
    private static final String ENDPOINT = "http://127.0.0.1:27813";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void backupsAndWalAreCopiedVerifiedAndRestorableAndAWrongKeyFailsLoudly(@TempDir Path root, CapturedOutput output)
            throws Exception {
        TransientNio2BlobStore blobs = new TransientNio2BlobStore();
        blobs.createContainer(BUCKET);
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create(ENDPOINT))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        try {
            await(() -> "STARTED".equals(proxy.getState()), () -> "s3proxy did not start: " + proxy.getState());
            run(root, blobs, output);
        } finally {
            proxy.stop();
        }
    }

    private void run(Path root, TransientNio2BlobStore blobs, CapturedOutput output) throws Exception {
        Path data = root.resolve("source");
        Path archive = root.resolve("archive");
        Path state = root.resolve("state");
        String[] s3 = {"--bulwark.backup.s3.endpoint=" + ENDPOINT, "--bulwark.backup.s3.bucket=" + BUCKET,
                "--bulwark.backup.s3.access-key=" + ACCESS, "--bulwark.backup.s3.secret-key=" + SECRET,
                "--bulwark.backup.s3.prefix=site-a"};
        List<String> all = new ArrayList<>(List.of("--bulwark.backup.archive-dir=" + archive, "--bulwark.backup.archive-timeout=1s",
                "--bulwark.backup.state-dir=" + state, "--bulwark.database.embedded.supervise=false",
                "--bulwark.backup.s3.interval=1s"));
        all.addAll(List.of(s3));
        String[] settings = all.toArray(String[]::new);
        Path backup = root.resolve("backup-1");
        String before;
        String after;
        try (OwnInstallation source = OwnInstallation.start(data, data, settings)) {
            Controls controls = source.app.getBean(Controls.class);
            S3Copy copier = source.app.getBean(S3Copy.class);
            before = signUp(source.port, "before");
            BackupRestoreTest.Run backedUp = BackupRestoreTest.run(BackupCommands::backup, cli(data, settings, "--to",
                    backup.toString()));
            assertThat(backedUp.status()).as(backedUp.err()).isZero();
            // The command turns logging off for its own context, in this JVM the application's too: back on.
            LoggingSystem.get(getClass().getClassLoader()).setLogLevel(null, LogLevel.INFO);

            // The backup: every file of the directory, the manifest included, each object's SHA-256 the manifest's.
            await(() -> S3Copy.read(state).backup() != null, () -> "the backup was not copied: " + S3Copy.read(state));
            JsonNode manifest = JSON.readTree(Files.readString(backup.resolve("manifest.json")));
            assertThat(manifest.get("files").size()).isGreaterThan(100);
            for (JsonNode f : manifest.get("files")) {
                assertThat(objectSha256(blobs, "site-a/backups/backup-1/" + f.get("path").asString()))
                        .as(f.get("path").asString()).isEqualTo(f.get("sha256").asString());
            }
            assertThat(objectSha256(blobs, "site-a/backups/backup-1/manifest.json"))
                    .isEqualTo(Manifest.sha256(backup.resolve("manifest.json")));

            // Written after the backup: only in the WAL, which is copied segment by segment.
            after = signUp(source.port, "after");
            BackupRestoreTest.switchAndAwaitArchived(data);
            assertThat(copier.pass()).isTrue();
            List<Path> segments;
            try (Stream<Path> files = Files.list(archive)) {
                segments = files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().toList();
            }
            assertThat(segments).isNotEmpty();
            for (Path segment : segments) {
                assertThat(objectSha256(blobs, "site-a/wal/" + segment.getFileName())).as(segment.getFileName().toString())
                        .isEqualTo(Manifest.sha256(segment));
            }
            Check.Result fresh = awaitCheck(controls, "backup.fresh", Check.Status.PASS);
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) fresh.evidence().get("s3Copy");
            assertThat(copy).containsEntry("lastBackupCopied", S3Copy.read(state).backup()).containsEntry("failures", 0);

            // A wrong secret key: S3 refuses, the copy says so loudly, the trust check fails with the reason.
            copier.stop();
            signUp(source.port, "unshipped");
            BackupRestoreTest.switchAndAwaitArchived(data);
            S3Properties wrong = new S3Properties(ENDPOINT, BUCKET, "us-east-1", ACCESS, WRONG, "site-a", Duration.ofSeconds(1));
            S3Copy wrongCopy = new S3Copy(source.app.getBean(BackupProperties.class), wrong,
                    source.app.getBeanProvider(Egress.class), source.app.getBeanProvider(Clock.class));
            assertThat(wrongCopy.pass()).isFalse();
            S3Copy.State failed = S3Copy.read(state);
            assertThat(failed.failing()).isTrue();
            assertThat(failed.failure()).contains("answered 403").contains("SignatureDoesNotMatch");
            Check.Result failing = check(controls, "backup.fresh");
            assertThat(failing.status()).isEqualTo(Check.Status.FAIL);
            assertThat(failing.evidence().get("problems").toString()).contains("the copy to S3 failed");
            assertThat(failing.operatorEvidence().get("s3CopyFailure").toString()).contains("SignatureDoesNotMatch");
            assertThat(output.getAll()).contains("S3 COPY FAILED").contains("SignatureDoesNotMatch")
                    .contains("Base backup " + backup + " copied to s3://" + BUCKET + "/site-a/backups/backup-1/");
            // With the right key again the copy catches up and the check passes.
            assertThat(copier.pass()).isTrue();
            assertThat(check(controls, "backup.fresh").status()).isEqualTo(Check.Status.PASS);
        }
        assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(WRONG);

        // Bad input for --from-s3: refused in one line, nothing written.
        Path restored = root.resolve("restored");
        List<String> s3Args = new ArrayList<>(List.of(s3));
        BackupRestoreTest.refused(BackupRestoreTest.run(BackupCommands::restore, withArgs(s3Args, "--from-s3", "no-such-backup",
                "--data-dir", restored.toString())), "no complete backup");
        BackupRestoreTest.refused(BackupRestoreTest.run(BackupCommands::restore, withArgs(s3Args, "--from-s3", "../x",
                "--data-dir", restored.toString())), "--from-s3 must name a backup");
        assertThat(restored).doesNotExist();

        // Restore from the copy alone: the backup and the WAL after it, fetched from S3.
        BackupRestoreTest.Run r = BackupRestoreTest.run(BackupCommands::restore, withArgs(s3Args, "--from-s3", "backup-1",
                "--data-dir", restored.toString()));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("fetched backup-1").contains("BULWARK_DATA_DIR=" + restored);
        assertThat(r.out() + r.err()).doesNotContain(SECRET);
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).as("no fetched copy left").isEmpty();
        }
        try (OwnInstallation copy = OwnInstallation.start(restored, restored, "--bulwark.database.embedded.supervise=false")) {
            assertThat(login(copy.port, before)).isEqualTo(200);
            assertThat(login(copy.port, after)).as("written after the backup, replayed from the copied WAL").isEqualTo(200);
        } finally {
            EmbeddedPostgresServer.stop(restored);
        }
    }

    private static String objectSha256(TransientNio2BlobStore blobs, String key) throws Exception {
        try (InputStream in = blobs.getBlob(BUCKET, key)) {
            return SigV4.sha256Hex(in.readAllBytes());
        }
    }

    private static String[] withArgs(List<String> settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(settings);
        return all.toArray(String[]::new);
    }

    private static String[] cli(Path data, String[] settings, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bulwark.database.embedded.data-dir=" + data, "--bulwark.keys.dir=" + data.resolve("keys"),
                "--bulwark.auth.key-dir=" + data.resolve("keys"), "--bulwark.audit.key-dir=" + data.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + data.resolve("checkpoints")));
        for (String s : settings) {
            if (!s.contains("supervise") && !s.contains(".s3.")) {
                all.add(s);
            }
        }
        return all.toArray(String[]::new);
    }

    private static Check.Result check(Controls controls, String id) {
        return controls.all().stream().flatMap(c -> c.checks().stream()).filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow().run();
    }

    private static Check.Result awaitCheck(Controls controls, String id, Check.Status expected) throws InterruptedException {
        Check.Result[] last = new Check.Result[1];
        await(() -> (last[0] = check(controls, id)).status() == expected, () -> id + " is " + last[0]);
        return last[0];
    }

    private static void await(BooleanSupplier condition, Supplier<String> otherwise) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // generous: a saturated two-core machine
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(otherwise.get());
            }
            Thread.sleep(100);
        }
    }

    private String signUp(int port, String name) throws Exception {
        String email = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> r = http.send(post(port, "/api/v1/signup", Map.of("email", email, "password",
                IntegrationTest.STRONG_PASSWORD, "name", name, "organisationName", name + " Org")), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return email;
    }

    private int login(int port, String email) throws Exception {
        return http.send(post(port, "/api/v1/auth/login", Map.of("email", email, "password", IntegrationTest.STRONG_PASSWORD)),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HttpRequest post(int port, String path, Object body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
    }
}
