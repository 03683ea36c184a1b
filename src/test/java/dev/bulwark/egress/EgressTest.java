package dev.bulwark.egress;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import dev.bulwark.egress.internal.HttpEgress;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import static dev.bulwark.egress.ScriptedResolver.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The egress client against real sockets on loopback: what it sends, what it reads, and where it stops — DNS
 * rebinding, mixed answers, redirects, slow and oversized answers, the allow list, TLS with the name checked.
 */
class EgressTest {

    private static final Duration GENEROUS = Duration.ofSeconds(20);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Seen: yes\r\n\r\nhello";

    private final ScriptedResolver resolver = new ScriptedResolver();

    private Egress egress(String... allow) {
        return egress(Duration.ofSeconds(5), Duration.ofSeconds(30), 1 << 20, allow);
    }

    private Egress egress(Duration readTimeout, Duration totalTimeout, long maxBytes, String... allow) {
        return new HttpEgress(new EgressProperties(List.of(allow), Duration.ofSeconds(5), readTimeout, totalTimeout, maxBytes),
                resolver, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    private static Egress.Call get(String url) {
        return new Egress.Call("GET", url, Map.of(), null, null);
    }

    private static EgressFailure failure(Runnable call) {
        try {
            call.run();
        } catch (EgressFailure e) {
            return e;
        }
        throw new AssertionError("no EgressFailure");
    }

    @Test
    void aGetSendsTheOriginalHostOnTheCheckedAddressAndReadsTheAnswer() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.answering(OK)) {
            resolver.answer("receiver.example.com", List.of(ip(127, 0, 0, 1)));
            Egress egress = egress("Receiver.Example.com:" + receiver.port());
            Egress.Answer answer = egress.send(new Egress.Call("GET", "http://RECEIVER.example.com:" + receiver.port()
                    + "/hooks/a?x=1#fragment", Map.of("X-Bulwark-Event", "test"), null, null));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(answer.headers()).containsEntry("x-seen", List.of("yes"));
            String head = receiver.requests().getFirst();
            assertThat(head).startsWith("GET /hooks/a?x=1 HTTP/1.1\r\n")
                    .contains("\r\nHost: receiver.example.com:" + receiver.port() + "\r\n")
                    .contains("\r\nX-Bulwark-Event: test\r\n")
                    .contains("\r\nConnection: close\r\n")
                    .doesNotContain("fragment");
        }
    }

    @Test
    void aPostSendsItsBodyWithItsLengthAndChunkedAnswersAreDecoded() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (LoopbackReceiver receiver = new LoopbackReceiver(socket -> {
            InputStream in = socket.getInputStream();
            String head = LoopbackReceiver.readHead(in);
            int length = Integer.parseInt(head.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
            bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            socket.getOutputStream().write(("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nrece\r\n5\r\nived!\r\n0\r\nX-Trailer: t\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        })) {
            Egress egress = egress("127.0.0.1:" + receiver.port());
            Egress.Answer answer = egress.send(new Egress.Call("POST", "http://127.0.0.1:" + receiver.port() + "/in",
                    Map.of("Content-Type", "application/json"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8), null));
            assertThat(answer.status()).isEqualTo(201);
            assertThat(new String(answer.body(), StandardCharsets.US_ASCII)).isEqualTo("received!");
            assertThat(bodies).containsExactly("{\"a\":1}");
        }
    }

    @Test
    void putCarriesItsBodyAndLength() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (LoopbackReceiver receiver = new LoopbackReceiver(socket -> {
            InputStream in = socket.getInputStream();
            String head = LoopbackReceiver.readHead(in);
            heads.add(head);
            int length = Integer.parseInt(head.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
            bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            Egress egress = egress("127.0.0.1:" + receiver.port());
            Egress.Answer answer = egress.send(new Egress.Call("PUT", "http://127.0.0.1:" + receiver.port() + "/bucket/key",
                    Map.of("Content-Type", "application/octet-stream"), "object".getBytes(StandardCharsets.UTF_8), null));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(heads.getFirst()).startsWith("PUT /bucket/key HTTP/1.1\r\n").contains("\r\nContent-Length: 6\r\n");
            assertThat(bodies).containsExactly("object");
        }
    }

    @Test
    void dnsRebindingAfterTheCheckIsRefusedAtSendWithNoConnection() throws Exception {
        try (LoopbackReceiver listener = LoopbackReceiver.counting()) {
            // Registration sees a public address; by delivery the name points at loopback.
            resolver.answer("rebind.example.com", List.of(ip(8, 8, 8, 8)), List.of(ip(127, 0, 0, 1)));
            Egress egress = egress();
            String url = "http://rebind.example.com:" + listener.port() + "/";
            Egress.Destination destination = egress.check(url);
            assertThat(destination.addresses()).containsExactly(ip(8, 8, 8, 8));
            assertThat(destination.host()).isEqualTo("rebind.example.com");
            assertThat(destination.port()).isEqualTo(listener.port());
            assertThatThrownBy(() -> egress.send(get(url))).isInstanceOf(DestinationNotAllowedException.class);
            assertThat(listener.connections()).isZero();
        }
    }

    @Test
    void aSendResolvesOnceAndConnectsToTheAddressItChecked() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.answering(OK)) {
            // A client that resolved again to connect would reach 127.0.0.2, where nothing listens.
            resolver.answer("pinned.example.com", List.of(ip(127, 0, 0, 1)), List.of(ip(127, 0, 0, 2)));
            Egress egress = egress("pinned.example.com:" + receiver.port());
            assertThat(egress.send(get("http://pinned.example.com:" + receiver.port() + "/")).status()).isEqualTo(200);
            assertThat(resolver.resolutions("pinned.example.com")).isEqualTo(1);
            assertThat(receiver.connections()).isEqualTo(1);
        }
    }

    @Test
    void aNameResolvingToOnePublicAndOnePrivateAddressIsRefused() throws Exception {
        try (LoopbackReceiver listener = LoopbackReceiver.counting()) {
            resolver.answer("mixed.example.com", List.of(ip(93, 184, 216, 34), ip(127, 0, 0, 1)));
            resolver.answer("mixed6.example.com", List.of(ip(127, 0, 0, 1), ScriptedResolver.ip6(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111)));
            Egress egress = egress();
            for (String host : List.of("mixed.example.com", "mixed6.example.com")) {
                String url = "http://" + host + ":" + listener.port() + "/";
                assertThatThrownBy(() -> egress.check(url)).isInstanceOf(DestinationNotAllowedException.class)
                        .hasMessageContaining("Loopback").hasMessageNotContaining("127.0.0.1");
                assertThatThrownBy(() -> egress.send(get(url))).isInstanceOf(DestinationNotAllowedException.class);
            }
            assertThat(listener.connections()).isZero();
        }
    }

    @Test
    void aRedirectIsTheAnswerAndIsNotFollowed() throws Exception {
        try (LoopbackReceiver target = LoopbackReceiver.counting();
             LoopbackReceiver redirecting = LoopbackReceiver.answering("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:"
                     + target.port() + "/\r\nContent-Length: 0\r\n\r\n")) {
            Egress egress = egress("127.0.0.1:" + redirecting.port(), "127.0.0.1:" + target.port());
            Egress.Answer answer = egress.send(get("http://127.0.0.1:" + redirecting.port() + "/"));
            assertThat(answer.status()).isEqualTo(302);
            assertThat(answer.headers().get("location")).containsExactly("http://127.0.0.1:" + target.port() + "/");
            assertThat(redirecting.connections()).isEqualTo(1);
            assertThat(target.connections()).isZero();
        }
    }

    @Test
    void aReceiverThatNeverAnswersFailsWithTimeout() throws Exception {
        try (LoopbackReceiver silent = new LoopbackReceiver(socket -> {
            LoopbackReceiver.readHead(socket.getInputStream());
            socket.getInputStream().read(); // holds the connection until egress gives up
        })) {
            Egress egress = egress(Duration.ofMillis(500), Duration.ofSeconds(30), 1 << 20, "127.0.0.1:" + silent.port());
            Instant start = Instant.now();
            EgressFailure failure = failure(() -> egress.send(get("http://127.0.0.1:" + silent.port() + "/")));
            assertThat(failure.reason()).isEqualTo("timeout");
            assertThat(Duration.between(start, Instant.now())).isLessThan(GENEROUS);
        }
    }

    @Test
    void aReceiverDrippingItsAnswerIsCutAtTheTotalTimeout() throws Exception {
        try (LoopbackReceiver dripping = new LoopbackReceiver(socket -> {
            LoopbackReceiver.readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100_000; i++) {
                out.write('x');
                out.flush();
                try {
                    Thread.sleep(100); // each byte well within the read timeout
                } catch (InterruptedException e) {
                    return;
                }
            }
        })) {
            // The read timeout (10 s) is never reached between bytes; only the call's total timeout can end it.
            Egress egress = egress(Duration.ofSeconds(10), Duration.ofSeconds(30), 1 << 20, "127.0.0.1:" + dripping.port());
            Instant start = Instant.now();
            EgressFailure failure = failure(() -> egress.send(new Egress.Call("GET", "http://127.0.0.1:" + dripping.port() + "/",
                    Map.of(), null, Duration.ofSeconds(2))));
            Duration took = Duration.between(start, Instant.now());
            assertThat(failure.reason()).isEqualTo("timeout");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(GENEROUS);
        }
    }

    @Test
    void tenMegabytesAreCutAtTheCapHoweverTheyAreDelimited() throws Exception {
        byte[] block = new byte[64 * 1024];
        int blocks = 10 * 1024 * 1024 / block.length;
        for (String framing : List.of("Content-Length: " + (blocks * block.length) + "\r\n", "", "Transfer-Encoding: chunked\r\n")) {
            boolean chunked = framing.contains("chunked");
            try (LoopbackReceiver big = new LoopbackReceiver(socket -> {
                LoopbackReceiver.readHead(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\n" + framing + "\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < blocks; i++) {
                    if (chunked) {
                        out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(block);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            })) {
                Egress egress = egress("127.0.0.1:" + big.port());
                EgressFailure failure = failure(() -> egress.send(get("http://127.0.0.1:" + big.port() + "/")));
                assertThat(failure.reason()).as(framing).isEqualTo("too-large");
            }
        }
    }

    @Test
    void anAnswerJustUnderTheCapIsRead() throws Exception {
        int size = 4096;
        try (LoopbackReceiver receiver = LoopbackReceiver.answering("HTTP/1.1 200 OK\r\n\r\n" + "y".repeat(size))) {
            Egress egress = egress(Duration.ofSeconds(5), Duration.ofSeconds(30), size, "127.0.0.1:" + receiver.port());
            assertThat(egress.send(get("http://127.0.0.1:" + receiver.port() + "/")).body()).hasSize(size);
        }
        try (LoopbackReceiver receiver = LoopbackReceiver.answering("HTTP/1.1 200 OK\r\n\r\n" + "y".repeat(size + 1))) {
            Egress egress = egress(Duration.ofSeconds(5), Duration.ofSeconds(30), size, "127.0.0.1:" + receiver.port());
            assertThat(failure(() -> egress.send(get("http://127.0.0.1:" + receiver.port() + "/"))).reason()).isEqualTo("too-large");
        }
    }

    // ---- open: the body as it arrives, under the same checks ----

    @Test
    void openHandsOnTheBodyAsItArrivesBeforeTheReceiverHasFinished() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        try (LoopbackReceiver receiver = new LoopbackReceiver(socket -> {
            LoopbackReceiver.readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                // The rest comes only once the client has read the first piece: a client reading whole would wait forever.
                if (!firstRead.await(20, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            out.write("7\r\n second\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            Egress egress = egress("127.0.0.1:" + receiver.port());
            try (Egress.Streamed answer = egress.open(get("http://127.0.0.1:" + receiver.port() + "/"))) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.headers().get("transfer-encoding")).containsExactly("chunked");
                byte[] first = answer.body().readNBytes(5);
                assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("first");
                firstRead.countDown();
                assertThat(new String(answer.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(" second");
                assertThat(answer.body().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void openCountsTheCapOverTheStreamHoweverTheBodyIsDelimited() throws Exception {
        int cap = 64 * 1024;
        byte[] block = new byte[4096];
        for (String framing : List.of("", "Transfer-Encoding: chunked\r\n")) {
            boolean chunked = !framing.isEmpty();
            try (LoopbackReceiver big = new LoopbackReceiver(socket -> {
                LoopbackReceiver.readHead(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\n" + framing + "\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 1000; i++) {
                    if (chunked) {
                        out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(block);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            })) {
                Egress egress = egress(Duration.ofSeconds(5), Duration.ofSeconds(30), cap, "127.0.0.1:" + big.port());
                try (Egress.Streamed answer = egress.open(get("http://127.0.0.1:" + big.port() + "/"))) {
                    assertThat(answer.status()).isEqualTo(200);
                    byte[] buffer = new byte[1000];
                    long[] read = {0};
                    EgressFailure failure = failure(() -> {
                        try {
                            for (int n; (n = answer.body().read(buffer)) >= 0; ) {
                                read[0] += n;
                            }
                        } catch (java.io.IOException e) {
                            throw new AssertionError(e);
                        }
                    });
                    assertThat(failure.reason()).as(framing).isEqualTo("too-large");
                    assertThat(read[0]).as(framing).isLessThanOrEqualTo(cap);
                }
            }
        }
        // Content-Length over the cap: refused at once, before any byte of the body.
        try (LoopbackReceiver big = LoopbackReceiver.answering("HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\nxx")) {
            Egress egress = egress(Duration.ofSeconds(5), Duration.ofSeconds(30), cap, "127.0.0.1:" + big.port());
            assertThat(failure(() -> egress.open(get("http://127.0.0.1:" + big.port() + "/"))).reason()).isEqualTo("too-large");
        }
    }

    @Test
    void aReceiverStallingMidStreamFailsTheNextReadWithTimeout() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (LoopbackReceiver stalling = new LoopbackReceiver(socket -> {
            LoopbackReceiver.readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                done.await(30, TimeUnit.SECONDS); // holds the connection, sends nothing more
            } catch (InterruptedException e) {
                // the test is over
            }
        })) {
            Egress egress = egress(Duration.ofMillis(500), Duration.ofSeconds(30), 1 << 20, "127.0.0.1:" + stalling.port());
            try (Egress.Streamed answer = egress.open(get("http://127.0.0.1:" + stalling.port() + "/"))) {
                assertThat(new String(answer.body().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
                Instant start = Instant.now();
                assertThat(failure(() -> {
                    try {
                        answer.body().read();
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }).reason()).isEqualTo("timeout");
                assertThat(Duration.between(start, Instant.now())).isLessThan(GENEROUS);
            } finally {
                done.countDown();
            }
        }
    }

    @Test
    void aCallsOwnReadTimeoutGovernsInsteadOfTheConfiguredOne() throws Exception {
        try (LoopbackReceiver thinking = new LoopbackReceiver(socket -> {
            LoopbackReceiver.readHead(socket.getInputStream());
            try {
                Thread.sleep(1500); // thinks before its first byte, longer than the configured read timeout
            } catch (InterruptedException e) {
                return;
            }
            socket.getOutputStream().write(OK.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        })) {
            String url = "http://127.0.0.1:" + thinking.port() + "/";
            Egress egress = egress(Duration.ofMillis(300), Duration.ofSeconds(30), 1 << 20, "127.0.0.1:" + thinking.port());
            assertThat(failure(() -> egress.send(get(url))).reason()).isEqualTo("timeout");
            Egress.Call patient = new Egress.Call("GET", url, Map.of(), null, Duration.ofSeconds(30), GENEROUS);
            assertThat(egress.send(patient).body()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
            try (Egress.Streamed answer = egress.open(patient)) {
                assertThat(answer.body().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
            }
        }
        assertThatThrownBy(() -> new Egress.Call("GET", "http://example.com/", Map.of(), null, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openFollowsNoRedirectAndARefusedDestinationMakesNoConnection() throws Exception {
        try (LoopbackReceiver target = LoopbackReceiver.counting();
             LoopbackReceiver redirecting = LoopbackReceiver.answering("HTTP/1.1 301 Moved\r\nLocation: http://127.0.0.1:"
                     + target.port() + "/\r\nContent-Length: 0\r\n\r\n")) {
            Egress egress = egress("127.0.0.1:" + redirecting.port(), "127.0.0.1:" + target.port());
            try (Egress.Streamed answer = egress.open(get("http://127.0.0.1:" + redirecting.port() + "/"))) {
                assertThat(answer.status()).isEqualTo(301);
                assertThat(answer.body().readAllBytes()).isEmpty();
            }
            assertThat(redirecting.connections()).isEqualTo(1);
            assertThat(target.connections()).isZero();
        }
        try (LoopbackReceiver listener = LoopbackReceiver.counting()) {
            resolver.answer("rebind-open.example.com", List.of(ip(127, 0, 0, 1)));
            Egress egress = egress();
            for (String url : List.of("http://127.0.0.1:" + listener.port() + "/", "http://0x7f.0.0.1:" + listener.port() + "/",
                    "http://rebind-open.example.com:" + listener.port() + "/")) {
                assertThatThrownBy(() -> egress.open(get(url))).as(url).isInstanceOf(DestinationNotAllowedException.class);
            }
            assertThat(listener.connections()).isZero();
        }
    }

    @Test
    void nothingListeningIsRefusedAndGarbageIsAProtocolFailure() throws Exception {
        // A port held by a bound socket that never listens: nothing can answer on it while the test runs (a port
        // closed and then reused could be taken by any other process or thread in between).
        try (java.net.Socket holder = new java.net.Socket()) {
            holder.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0));
            int port = holder.getLocalPort();
            assertThat(failure(() -> egress("127.0.0.1:" + port).send(get("http://127.0.0.1:" + port + "/"))).reason())
                    .isEqualTo("refused");
        }
        try (LoopbackReceiver garbage = LoopbackReceiver.answering("SSH-2.0-OpenSSH_9.6\r\n\r\n")) {
            assertThat(failure(() -> egress("127.0.0.1:" + garbage.port()).send(get("http://127.0.0.1:" + garbage.port() + "/")))
                    .reason()).isEqualTo("protocol");
        }
    }

    @Test
    void anAllowEntrySkipsTheTableForExactlyThatHostAndPort() throws Exception {
        try (LoopbackReceiver allowed = LoopbackReceiver.answering(OK); LoopbackReceiver other = LoopbackReceiver.counting()) {
            Egress egress = egress("127.0.0.1:" + allowed.port());
            assertThat(egress.send(get("http://127.0.0.1:" + allowed.port() + "/")).status()).isEqualTo(200);
            for (String url : List.of("http://127.0.0.1:" + other.port() + "/", "http://localhost:" + allowed.port() + "/",
                    "http://[::ffff:127.0.0.1]:" + allowed.port() + "/", "http://0177.0.0.1:" + allowed.port() + "/",
                    "http://127.1:" + allowed.port() + "/", "http://user@127.0.0.1:" + allowed.port() + "/",
                    "ftp://127.0.0.1:" + allowed.port() + "/", "http://127.0.0.2:" + allowed.port() + "/")) {
                assertThatThrownBy(() -> egress.send(get(url))).as(url).isInstanceOf(DestinationNotAllowedException.class);
            }
            assertThat(allowed.connections()).isEqualTo(1);
            assertThat(other.connections()).isZero();
        }
    }

    @Test
    void malformedAllowEntriesStopTheStart() {
        for (String entry : List.of("127.0.0.1", "0177.0.0.1:80", "http://127.0.0.1:80", "127.0.0.1:0", "*:80",
                "[::1%lo]:80", "127.0.0.1:65536", "user@host.example.com:80", "127.1:80", "host.example.com:080")) {
            assertThatThrownBy(() -> egress(entry)).as(entry).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void headersThatWouldSmuggleARequestAndOtherMethodsAreRefusedBeforeConnecting() throws Exception {
        try (LoopbackReceiver receiver = LoopbackReceiver.counting()) {
            Egress egress = egress("127.0.0.1:" + receiver.port());
            String url = "http://127.0.0.1:" + receiver.port() + "/";
            for (Egress.Call call : List.of(
                    new Egress.Call("GET", url, Map.of("X-A", "v\r\nHost: evil.example.com"), null, null),
                    new Egress.Call("GET", url, Map.of("X-A\r\nX-B", "v"), null, null),
                    new Egress.Call("GET", url, Map.of("Host", "evil.example.com"), null, null),
                    new Egress.Call("POST", url, Map.of("Content-Length", "0"), null, null),
                    new Egress.Call("POST", url, Map.of("Transfer-Encoding", "chunked"), null, null),
                    new Egress.Call("DELETE", url, Map.of(), null, null),
                    new Egress.Call("GET", url, Map.of(), new byte[] {1}, null))) {
                assertThatThrownBy(() -> egress.send(call)).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(receiver.connections()).isZero();
        }
    }

    @Test
    void httpsChecksTheCertificateForTheUrlsHostAndSendsItAsSni() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X500Name subject = new X500Name("CN=receiver.example.com");
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject,
                BigInteger.TWO, Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86_400)), subject,
                pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "receiver.example.com")))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pair.getPrivate(), new char[0], new Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("receiver", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        List<List<SNIServerName>> sni = new CopyOnWriteArrayList<>();
        try (LoopbackReceiver receiver = new LoopbackReceiver(plain -> {
            SSLSocket tls = (SSLSocket) server.getSocketFactory().createSocket(plain, null, true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            sni.add(((ExtendedSSLSession) tls.getSession()).getRequestedServerNames());
            LoopbackReceiver.readHead(tls.getInputStream());
            tls.getOutputStream().write(OK.getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
        })) {
            int port = receiver.port();
            resolver.answer("receiver.example.com", List.of(ip(127, 0, 0, 1)));
            resolver.answer("impostor.example.com", List.of(ip(127, 0, 0, 1)));
            String[] allow = {"receiver.example.com:" + port, "impostor.example.com:" + port};
            Egress trusting = new HttpEgress(new EgressProperties(List.of(allow), Duration.ofSeconds(5), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), 1 << 20), resolver, client.getSocketFactory());
            Egress.Answer answer = trusting.send(get("https://receiver.example.com:" + port + "/"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(sni).containsExactly(List.of(new SNIHostName("receiver.example.com")));
            // The same server, reached under a name its certificate does not carry.
            assertThat(failure(() -> trusting.send(get("https://impostor.example.com:" + port + "/"))).reason()).isEqualTo("tls");
            // The JDK's default trust store does not trust a self-signed certificate.
            assertThat(failure(() -> egress(allow).send(get("https://receiver.example.com:" + port + "/"))).reason()).isEqualTo("tls");
        }
    }

    @Test
    void aNameThatDoesNotResolveIsRefusedAtCheckAndFailsAtSend() {
        Egress egress = egress();
        assertThatThrownBy(() -> egress.check("https://nowhere.example.com/")).isInstanceOf(DestinationNotAllowedException.class)
                .hasMessageContaining("does not resolve");
        assertThat(failure(() -> egress.send(get("https://nowhere.example.com/"))).reason()).isEqualTo("unresolved");
    }

    @Test
    void publicDestinationsPassTheCheck() {
        resolver.answer("hooks.example.com", List.of(ip(93, 184, 216, 34), ScriptedResolver.ip6(0x2606, 0x2800, 0x21f, 0xcb07, 0x6820, 0x80da, 0xaf6b, 0x8b2c)));
        Egress egress = egress();
        Egress.Destination d = egress.check("https://Hooks.Example.com/in?x=1#top");
        assertThat(d.host()).isEqualTo("hooks.example.com");
        assertThat(d.port()).isEqualTo(443);
        assertThat(d.addresses()).hasSize(2);
        assertThat(d.uri().toString()).isEqualTo("https://Hooks.Example.com/in?x=1");
        assertThat(egress.check("http://8.8.8.8/").addresses()).containsExactly(ip(8, 8, 8, 8));
        assertThat(egress.check("http://[2606:4700:4700::1111]:8080/").port()).isEqualTo(8080);
    }
}
