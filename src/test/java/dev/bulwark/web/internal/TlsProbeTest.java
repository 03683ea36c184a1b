package dev.bulwark.web.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.bulwark.web.TlsProbe;
import dev.bulwark.web.TlsProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trust center's TLS probe against real TLS servers on the loopback address: one pinned as Bulwark's connector
 * is (TLS 1.3 and 1.2, forward-secret AEAD suites), one that also accepts CBC suites. The probe tells them apart.
 */
class TlsProbeTest {

    private static final String[] WEAK = {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"};

    /** A TLS server on a free loopback port completing handshakes until closed. */
    private static SSLServerSocket server(String[] protocols, String[] suites) throws Exception {
        Path dir = Files.createTempDirectory("bulwark-probe-");
        Path[] pem = TlsConfiguration.selfSigned(new TlsProperties(true, 0, null, null, dir, List.of("127.0.0.1")));
        Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem[0])));
        String key = Files.readString(pem[1]).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", privateKey, new char[0], new Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        socket.setEnabledProtocols(protocols);
        socket.setEnabledCipherSuites(suites);
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try (SSLSocket accepted = (SSLSocket) socket.accept()) {
                    accepted.startHandshake();
                } catch (IOException e) {
                    // A refused handshake, or the server closing: the probe's side reports which.
                }
            }
        });
        return socket;
    }

    @Test
    void aConnectorPinnedAsBulwarksNegotiatesTls13AndRefusesWeakSuites() throws Exception {
        try (SSLServerSocket pinned = server(new String[] {"TLSv1.3", "TLSv1.2"}, TlsConfiguration.CIPHERS.toArray(String[]::new))) {
            int port = pinned.getLocalPort();
            TlsProbe.Handshake preferred = TlsProbe.handshake("127.0.0.1", port, null, null);
            assertThat(preferred.completed()).isTrue();
            assertThat(preferred.protocol()).isEqualTo("TLSv1.3");
            TlsProbe.Handshake tls12 = TlsProbe.handshake("127.0.0.1", port, new String[] {"TLSv1.2"}, null);
            assertThat(tls12.protocol()).isEqualTo("TLSv1.2");
            assertThat(TlsProbe.forwardSecretAead(tls12.suite())).as(tls12.suite()).isTrue();
            TlsProbe.Handshake weak = TlsProbe.handshake("127.0.0.1", port, new String[] {"TLSv1.2"}, WEAK);
            assertThat(weak.completed()).isFalse();
            assertThat(weak.refusal()).isNotBlank();
        }
    }

    @Test
    void aConnectorThatAlsoAcceptsCbcIsCaughtByTheWeakHandshake() throws Exception {
        String[] suites = java.util.stream.Stream.concat(TlsConfiguration.CIPHERS.stream(), java.util.Arrays.stream(WEAK)).toArray(String[]::new);
        try (SSLServerSocket lax = server(new String[] {"TLSv1.3", "TLSv1.2"}, suites)) {
            TlsProbe.Handshake weak = TlsProbe.handshake("127.0.0.1", lax.getLocalPort(), new String[] {"TLSv1.2"}, WEAK);
            assertThat(weak.completed()).isTrue();
            assertThat(weak.suite()).isIn((Object[]) WEAK);
        }
    }

    @Test
    void onlyTls13SuitesAndEcdheAeadSuitesCountAsForwardSecretAead() {
        assertThat(TlsConfiguration.CIPHERS).allMatch(TlsProbe::forwardSecretAead);
        assertThat(TlsProbe.forwardSecretAead("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")).isFalse();
        assertThat(TlsProbe.forwardSecretAead("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")).as("finite-field DHE").isFalse();
        assertThat(TlsProbe.forwardSecretAead("TLS_RSA_WITH_AES_128_GCM_SHA256")).as("RSA key exchange").isFalse();
    }
}
