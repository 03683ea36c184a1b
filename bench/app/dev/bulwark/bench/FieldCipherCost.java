package dev.bulwark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.keys.FieldCipher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 7: what {@link FieldCipher} costs per field, on the real application (the organisation's keyset created in
 * embedded PostgreSQL, unwrapped by the root key, then served from the cache as in a request), for 64-byte and
 * 4-KiB values:
 * <ul>
 *   <li>{@code encrypt} / {@code decrypt}: {@code FieldCipher.encrypt} and {@code decrypt} with a field's associated
 *       data (organisation, table, column, row), strings in and out as the application uses them;</li>
 *   <li>{@code jceEncrypt} / {@code jceDecrypt} (<b>baseline</b>): bare AES-256-GCM through the JDK on the same bytes
 *       with a fixed key, one cipher object per thread and no associated data — the floor any field encryption pays.</li>
 * </ul>
 * Prints ops/s per thread and the ratio to the baseline of the same operation and size.
 */
public class FieldCipherCost {

    @State(Scope.Benchmark)
    public static class App {
        @Param({"64", "4096"})
        public int size;

        ConfigurableApplicationContext context;
        FieldCipher cipher;
        FieldCipher.Field field;
        String plaintext;
        byte[] ciphertext;

        @Setup
        public void start() throws Exception {
            Path dir = Files.createTempDirectory("bulwark-fieldcipher-");
            context = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=0",
                    "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                    "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                    "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                    "--bulwark.mail.dir=" + dir.resolve("mail"), "--logging.level.root=WARN");
            int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
            String created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/signup"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"email\":\"bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com\",\"password\":"
                                            + "\"violet-orbit-canyon-42-lantern\",\"name\":\"Bench\",\"organisationName\":\"Bench Org\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            UUID org = UUID.fromString(created.replaceAll(".*\"organisationId\":\"([^\"]+)\".*", "$1"));
            cipher = context.getBean(FieldCipher.class);
            field = new FieldCipher.Field(org, "contacts", "notes", UUID.randomUUID());
            plaintext = "x".repeat(size);
            ciphertext = cipher.encrypt(field, plaintext);
            if (!plaintext.equals(cipher.decrypt(field, ciphertext))) {
                throw new IllegalStateException("the field does not round-trip");
            }
        }

        @TearDown
        public void stop() {
            context.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] encrypt(App app) {
        return app.cipher.encrypt(app.field, app.plaintext);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public String decrypt(App app) {
        return app.cipher.decrypt(app.field, app.ciphertext);
    }

    /** The baseline: one JDK AES-256-GCM {@link Cipher} per thread, re-initialised per operation, a random nonce each. */
    @State(Scope.Thread)
    public static class Jce {
        @Param({"64", "4096"})
        public int size;

        final SecureRandom random = new SecureRandom();
        SecretKeySpec key;
        Cipher cipher;
        byte[] plain;
        byte[] nonce = new byte[12];
        byte[] sealed;

        @Setup
        public void start() throws Exception {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            key = new SecretKeySpec(raw, "AES");
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
            plain = "x".repeat(size).getBytes(StandardCharsets.UTF_8);
            random.nextBytes(nonce);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            sealed = cipher.doFinal(plain);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] jceEncrypt(Jce jce) throws Exception {
        byte[] nonce = new byte[12];
        jce.random.nextBytes(nonce);
        jce.cipher.init(Cipher.ENCRYPT_MODE, jce.key, new GCMParameterSpec(128, nonce));
        return jce.cipher.doFinal(jce.plain);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] jceDecrypt(Jce jce) throws Exception {
        jce.cipher.init(Cipher.DECRYPT_MODE, jce.key, new GCMParameterSpec(128, jce.nonce));
        return jce.cipher.doFinal(jce.sealed);
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(FieldCipherCost.class.getName() + ".*")
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(3))
                .measurementIterations(3).measurementTime(TimeValue.seconds(5))
                .build()).run();
        Map<String, Double> opsPerSecond = new TreeMap<>();
        for (RunResult r : results) {
            opsPerSecond.put(r.getParams().getBenchmark().replaceAll(".*\\.", "") + " " + r.getParams().getParam("size"),
                    r.getPrimaryResult().getScore());
        }
        System.out.println();
        System.out.println("| operation | size | FieldCipher ops/s | bare AES-GCM ops/s (baseline) | ratio |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String op : new String[] {"encrypt", "decrypt"}) {
            for (String size : new String[] {"64", "4096"}) {
                double field = opsPerSecond.get(op + " " + size);
                double base = opsPerSecond.get("jce" + Character.toUpperCase(op.charAt(0)) + op.substring(1) + " " + size);
                System.out.printf(Locale.ROOT, "| %s | %s B | %,.0f | %,.0f | %.2f |%n", op, size, field, base, field / base);
            }
        }
    }
}
