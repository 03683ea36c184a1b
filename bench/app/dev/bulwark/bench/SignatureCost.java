package dev.bulwark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.signatures.internal.EvidencePdf;
import dev.bulwark.signatures.internal.SealKeys;
import dev.bulwark.signatures.internal.SignatureSpec;
import dev.bulwark.signatures.internal.Signing;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.verifier.SignatureVerifier;
import dev.bulwark.workspace.DocumentRecords.RecordVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * Issue 22: the evidence PDF of a 10-page record with three signatures, on the real application (the seal key opened
 * from embedded PostgreSQL through the organisation's keyset each time, as a request does):
 * <ul>
 *   <li>{@code seal}: render the record and the manifestation blocks, embed the manifest and XMP, save, reload and
 *       sign (PAdES B-B, ECDSA P-256) — target p95 ≤ 300 ms;</li>
 *   <li>{@code verify}: the offline verifier on that PDF (seal, record hash, every manifest) — target p95 ≤ 100 ms.</li>
 * </ul>
 * JMH sample time; prints p50, p95 and p99 in milliseconds.
 */
public class SignatureCost {

    @State(Scope.Benchmark)
    public static class App {
        ConfigurableApplicationContext context;
        EvidencePdf evidence;
        SealKeys seals;
        RecordVersion record;
        List<Signing.Stored> signatures;
        byte[] pdf;
        String pem;

        @Setup
        public void start() throws Exception {
            Path dir = Files.createTempDirectory("bulwark-signatures-");
            context = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=0",
                    "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                    "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"),
                    "--bulwark.audit.key-dir=" + dir.resolve("keys"), "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                    "--bulwark.mail.dir=" + dir.resolve("mail"), "--logging.level.root=WARN");
            evidence = context.getBean(EvidencePdf.class);
            seals = context.getBean(SealKeys.class);
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 520; i++) { // about 52 lines a page: ten pages of text
                body.append("<p>Step ").append(i).append(": clean the filling line, record the lot number and the operator, and check the seal.</p>");
            }
            UUID documentId = UUID.randomUUID();
            record = new RecordVersion(documentId, UUID.randomUUID(), 1, "SOP-22 Line clearance", body.toString(), Instant.now());
            byte[] recordSha = Signing.recordSha256(record);
            signatures = new java.util.ArrayList<>();
            for (String meaning : List.of("authorship", "review", "approval")) {
                UUID id = UUID.randomUUID();
                UUID signer = UUID.randomUUID();
                byte[] nonce = SignatureSpec.sha256(id.toString().getBytes());
                Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
                SignatureSpec.Manifest m = new SignatureSpec.Manifest(id, documentId, 1, recordSha, meaning, "As " + meaning,
                        signer, "Signer " + meaning, "MEMBER", at.toString(), "password+totp", nonce, null);
                signatures.add(new Signing.Stored(id, documentId, 1, recordSha, meaning, "As " + meaning, signer, "Signer " + meaning,
                        "MEMBER", at, "password+totp", nonce, null, SignatureSpec.manifestSha256(m)));
            }
            pdf = seal();
            pem = SealKeys.pem(seals.certificate(Organisation.PLATFORM_ID));
            if (!SignatureVerifier.verify(pdf, pem).valid()) {
                throw new IllegalStateException("the evidence does not verify");
            }
        }

        byte[] seal() {
            return evidence.render(record, signatures, seals.seal(Organisation.PLATFORM_ID));
        }

        @TearDown
        public void stop() {
            context.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public byte[] seal(App app) {
        return app.seal();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public boolean verify(App app) {
        return SignatureVerifier.verify(app.pdf, app.pem).valid();
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(SignatureCost.class.getName() + ".*")
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(3))
                .measurementIterations(3).measurementTime(TimeValue.seconds(5))
                .build()).run();
        System.out.println();
        System.out.println("| operation | p50 ms | p95 ms | p99 ms | samples |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (RunResult r : results) {
            var stats = r.getPrimaryResult().getStatistics();
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %,d |%n", r.getParams().getBenchmark().replaceAll(".*\\.", ""),
                    stats.getPercentile(50), stats.getPercentile(95), stats.getPercentile(99), stats.getN());
        }
    }
}
