package dev.bulwark.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 28, acceptance 4 (docs/resilience.md, "Tenant fairness"): one organisation's 20 exports whose clients read a
 * few bytes and stall hold no database connection, so another organisation's reads go on; the 21st concurrent export of
 * that organisation answers 429 while another organisation's export still works; and every spool file is gone after.
 *
 * <p>What it proves, and why it holds on a saturated machine: the exports are really stalled mid-stream (each is
 * more than a megabyte, a client reading a dozen bytes through a 4 KB receive buffer from a server with an 8 KB send
 * buffer; the server counts all 20 in progress before and after the timed reads), and while they are, the pool's active connections stay within the spooling limit plus
 * the reader's and background work's — never the pool, which 20 exports holding a connection each would exhaust (and
 * the reads would then wait the pool's 2 s and answer 503). The latency bound asserted (p99 under 1 s, every read 200)
 * is that failure's distance away; the real p99 on a quiet machine is recorded in docs/benchmarks.md.
 */
@TestPropertySource(properties = "bulwark.http.long-answers.spool-wait=2m") // 20 exports of one organisation spool one after another
@Import(TenantFairnessTest.SmallSendBuffers.class)
class TenantFairnessTest extends IntegrationTest {

    /**
     * A fixed 8 KB socket send buffer on the server: on loopback, Linux otherwise grows it to megabytes (its MSS is
     * 64 KB), and a whole export would sit in the kernel with the server done. Fixed, what can be in flight is tens of
     * kilobytes, so a stalled client stalls the server's copy of the file, as over a real network.
     */
    @TestConfiguration
    static class SmallSendBuffers {
        @Bean
        TomcatConnectorCustomizer smallSendBuffers() {
            return connector -> connector.setProperty("socket.txBufSize", "8192");
        }
    }

    private static final int STALLED = 20;
    private static final int READS = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Autowired
    private LongAnswers longAnswers;

    @Autowired
    private DataSource dataSource;

    @Autowired
    private LongAnswerProperties limits;

    @Test
    void oneOrganisationsStalledExportsHoldNoConnectionAndLeaveOtherOrganisationsReadsAndExportsAlone() throws Exception {
        assertThat(limits.perOrganisation()).isEqualTo(STALLED);
        Tenant heavy = newTenant();
        Tenant other = newTenant();
        seedLargeDocuments(heavy, 1, 400_000);
        String contact = created(call("POST", "/api/v1/orgs/" + other.id() + "/contacts", other.owner(),
                "{\"name\":\"Reader\",\"email\":\"reader@example.com\"}"));
        int poolSize = dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize();

        List<Socket> stalled = new ArrayList<>();
        ExecutorService starters = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<Socket>> starting = new ArrayList<>();
            for (int i = 0; i < STALLED; i++) {
                starting.add(starters.submit(() -> SlowReaders.stalled(port, "/api/v1/orgs/" + heavy.id() + "/export", heavy.owner().auth()[1])));
            }
            for (Future<Socket> f : starting) {
                stalled.add(f.get(3, TimeUnit.MINUTES));
            }
            assertThat(longAnswers.inProgress(heavy.id())).as("all 20 exports admitted and stalled mid-stream").isEqualTo(STALLED);

            // While they stall: the other organisation's single-record reads, timed, and the pool watched.
            PoolWatch maxActive = PoolWatch.start(dataSource);
            long[] millis = new long[READS];
            String path = "/api/v1/orgs/" + other.id() + "/contacts/" + contact;
            for (int i = 0; i < READS; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> read = call("GET", path, other.owner(), null);
                millis[i] = (System.nanoTime() - t0) / 1_000_000;
                assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            }
            maxActive.close();
            Arrays.sort(millis);
            long p50 = millis[READS / 2];
            long p99 = millis[(int) Math.ceil(READS * 0.99) - 1];
            System.out.printf("TenantFairnessTest: %d reads beside %d stalled exports: p50 %d ms, p99 %d ms, max %d ms;"
                    + " pool active max %d of %d%n", READS, STALLED, p50, p99, millis[READS - 1], maxActive.max(), poolSize);
            assertThat(maxActive.max()).as("pool connections in use while 20 exports stall (pool of %d)", poolSize)
                    .isLessThanOrEqualTo(limits.spooling() + 3).isLessThan(poolSize);
            assertThat(p99).as("p99 of the other organisation's reads, ms").isLessThan(1_000);
            assertThat(longAnswers.inProgress(heavy.id())).as("still stalled after the reads").isEqualTo(STALLED);

            // The 21st export of the same organisation: 429 with Retry-After, in the problem style of every refusal.
            HttpResponse<String> refused = call("GET", "/api/v1/orgs/" + heavy.id() + "/export", heavy.owner(), null);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = body(refused);
            assertThat(problem.get("type").asString()).isEqualTo("https://bulwark.dev/problems/too-many-requests");
            assertThat(problem.get("status").asInt()).isEqualTo(429);
            assertThat(problem.get("requestId").asString()).isNotBlank();
            assertThat(call("GET", "/api/v1/orgs/" + heavy.id() + "/audit/export", heavy.owner(), null).statusCode())
                    .as("the limit counts every long answer of the organisation").isEqualTo(429);

            // Another organisation's export still works, whole.
            HttpResponse<byte[]> theirs = http.send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + other.id() + "/export"))
                    .header("Authorization", other.owner().auth()[1]).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(theirs.statusCode()).isEqualTo(200);
            assertThat(entries(theirs.body())).contains("manifest.json", "contacts.json", "audit-events.ndjson");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
            starters.shutdownNow();
        }

        // The clients gone, every export ends: its admission released and its spool file deleted.
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while ((longAnswers.inProgress(heavy.id()) > 0 || spoolFiles() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(longAnswers.inProgress(heavy.id())).isZero();
        assertThat(spoolFiles()).as("spool files left behind").isZero();
        HttpResponse<String> again = call("GET", "/api/v1/orgs/" + heavy.id() + "/audit/export", heavy.owner(), null);
        assertThat(again.statusCode()).as("the organisation's exports work again").isEqualTo(200);
    }

    @Test
    void aSpoolFileIsOwnerOnlyAndHoldsNoPlaintext() throws Exception {
        Tenant t = newTenant();
        String marker = "SpoolMarker" + UUID.randomUUID().toString().replace("-", "");
        call("POST", "/api/v1/orgs/" + t.id() + "/contacts", t.owner(), "{\"name\":\"" + marker + "\"}");
        seedLargeDocuments(t, 1, 400_000);
        List<Path> before = spoolPaths();
        try (Socket socket = SlowReaders.stalled(port, "/api/v1/orgs/" + t.id() + "/export", t.owner().auth()[1])) {
            List<Path> files = new ArrayList<>(spoolPaths());
            files.removeAll(before);
            assertThat(files).hasSize(1);
            byte[] content = Files.readAllBytes(files.getFirst());
            assertThat(content.length).isGreaterThan(100_000);
            assertThat(new String(content, StandardCharsets.ISO_8859_1)).doesNotContain(marker);
            assertThat(Arrays.copyOf(content, 4)).as("not a ZIP's local header").isNotEqualTo(new byte[] {'P', 'K', 3, 4});
            try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(content))) {
                assertThat(zip.getNextEntry()).as("the spool file does not read as a ZIP").isNull();
            }
            if (Files.getFileStore(files.getFirst()).supportsFileAttributeView("posix")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(files.getFirst())))
                        .isEqualTo("rw-------");
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(longAnswers.spoolDirectory())))
                        .isEqualTo("rwx------");
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (spoolPaths().stream().anyMatch(f -> !before.contains(f)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(spoolPaths()).as("this export's spool file, deleted once the client went").isSubsetOf(before);
    }

    /** {@code count} documents of {@code chars} random letters and digits (a ZIP cannot shrink them much). */
    private void seedLargeDocuments(Tenant t, int count, int chars) {
        String project = created(call("POST", "/api/v1/orgs/" + t.id() + "/projects", t.owner(), "{\"name\":\"Big\"}"));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int d = 0; d < count; d++) {
            StringBuilder body = new StringBuilder(chars);
            for (int i = 0; i < chars; i++) {
                body.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
            created(call("POST", "/api/v1/orgs/" + t.id() + "/projects/" + project + "/documents", t.owner(),
                    json.writeValueAsString(java.util.Map.of("title", "Doc " + d, "body", body.toString()))));
        }
    }

    private String created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return body(response).get("id").asString();
    }

    private int spoolFiles() throws IOException {
        return spoolPaths().size();
    }

    private List<Path> spoolPaths() throws IOException {
        try (Stream<Path> files = Files.list(longAnswers.spoolDirectory())) {
            return files.toList();
        }
    }

    private static List<String> entries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                names.add(entry.getName());
                in.transferTo(new ByteArrayOutputStream());
            }
        }
        return names;
    }
}
