package dev.bulwark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.BulwarkApplication;
import dev.bulwark.identity.internal.AuthService;
import dev.bulwark.identity.internal.SigningKeys;
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
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * What authenticating one request costs, on the real application (embedded PostgreSQL, real keys, a real session):
 * <ul>
 *   <li>{@code hmacBaseline}: verifying an HMAC-SHA256 over the same token bytes — the cheapest credential check;</li>
 *   <li>{@code signatureOnly}: parsing the access token and verifying its ES256 signature;</li>
 *   <li>{@code sessionCheckOnly}: the per-request "is this session still active" read (a transaction as the user);</li>
 *   <li>{@code fullVerification}: the application's JwtDecoder for a token it has seen before (cached);</li>
 *   <li>{@code fullVerificationFirstSeen}: the same for tokens never seen before (signature, claims, session read).</li>
 * </ul>
 */
public class AuthCost {

    @State(Scope.Benchmark)
    public static class App {
        ConfigurableApplicationContext context;
        JwtDecoder decoder;
        AuthService auth;
        ECKey publicKey;
        String token;
        UUID userId;
        UUID sessionId;
        Mac mac;
        byte[] signingInput;
        byte[] expectedMac;

        @Setup
        public void start() throws Exception {
            Path dir = Files.createTempDirectory("bulwark-authcost-");
            context = new SpringApplicationBuilder(BulwarkApplication.class).run("--server.port=0",
                    "--bulwark.database.embedded.data-dir=" + dir, "--bulwark.database.embedded.durable=false",
                    "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"), "--bulwark.audit.key-dir=" + dir.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"), "--bulwark.mail.dir=" + dir.resolve("mail"),
                    "--logging.level.root=WARN");
            int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
            String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String password = "violet-orbit-canyon-42-lantern";
            post(port, "/api/v1/signup", "{\"email\":\"" + email + "\",\"password\":\"" + password
                    + "\",\"name\":\"Bench\",\"organisationName\":\"Bench Org\"}");
            String tokens = post(port, "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
            token = tokens.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
            decoder = context.getBean(JwtDecoder.class);
            auth = context.getBean(AuthService.class);
            publicKey = (ECKey) context.getBean(SigningKeys.class).publicKeys().getKeys().getFirst();
            SignedJWT jwt = SignedJWT.parse(token);
            userId = UUID.fromString(jwt.getJWTClaimsSet().getSubject());
            sessionId = UUID.fromString(jwt.getJWTClaimsSet().getStringClaim("sid"));
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
            expectedMac = mac.doFinal(signingInput);
        }

        @TearDown
        public void stop() {
            context.close();
        }

        private static String post(int port, String path, String json) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            return r.body();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean hmacBaseline(App app) {
        return MessageDigest.isEqual(app.mac.doFinal(app.signingInput), app.expectedMac);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean signatureOnly(App app) throws Exception {
        return SignedJWT.parse(app.token).verify(new ECDSAVerifier(app.publicKey));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean sessionCheckOnly(App app) {
        return app.auth.sessionActive(app.userId, app.sessionId);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object fullVerification(App app) {
        return app.decoder.decode(app.token);
    }

    /** Tokens never seen before: same user and session, each with its own jti, signed with the application's key. */
    @State(Scope.Thread)
    public static class FreshTokens {
        String[] tokens;
        int next;

        @Setup(org.openjdk.jmh.annotations.Level.Iteration)
        public void sign(App app) throws Exception {
            java.nio.file.Path file = java.nio.file.Path.of(app.context.getEnvironment().getRequiredProperty("bulwark.auth.key-dir"))
                    .resolve("jwt-signing.jwks.json");
            byte[] sealed = app.context.getBean(dev.bulwark.keys.KeyFiles.class).read(file, SigningKeys.FILE_PURPOSE).content();
            ECKey key = (ECKey) com.nimbusds.jose.jwk.JWKSet.parse(new String(sealed, StandardCharsets.UTF_8)).getKeys().getFirst();
            com.nimbusds.jose.crypto.ECDSASigner signer = new com.nimbusds.jose.crypto.ECDSASigner(key);
            com.nimbusds.jwt.JWTClaimsSet claims = SignedJWT.parse(app.token).getJWTClaimsSet();
            tokens = new String[40_000];
            for (int i = 0; i < tokens.length; i++) {
                SignedJWT jwt = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
                        .keyID(key.getKeyID()).type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
                        new com.nimbusds.jwt.JWTClaimsSet.Builder(claims).jwtID(UUID.randomUUID().toString()).build());
                jwt.sign(signer);
                tokens[i] = jwt.serialize();
            }
            next = 0;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object fullVerificationFirstSeen(App app, FreshTokens fresh) {
        return app.decoder.decode(fresh.tokens[fresh.next++ % fresh.tokens.length]);
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(AuthCost.class.getName() + ".*")
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(5))
                .measurementIterations(3).measurementTime(TimeValue.seconds(10))
                .build()).run();
        Map<String, double[]> byName = new TreeMap<>();
        for (RunResult r : results) {
            var stats = r.getPrimaryResult().getStatistics();
            byName.put(r.getParams().getBenchmark().replaceAll(".*\\.", ""),
                    new double[] {stats.getPercentile(50), stats.getPercentile(99), 1e6 / stats.getMean()});
        }
        double[] base = byName.get("hmacBaseline");
        System.out.println();
        System.out.println("| benchmark | p50 µs | p99 µs | ops/s (1 thread) | p50 vs HMAC |");
        System.out.println("|---|---:|---:|---:|---:|");
        byName.forEach((name, v) -> System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %,.0f | %.2f× |%n",
                name, v[0], v[1], v[2], v[0] / base[0]));
    }
}
