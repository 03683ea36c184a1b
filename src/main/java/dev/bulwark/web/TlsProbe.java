package dev.bulwark.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * What the running HTTPS connector really does, for the trust center's TLS check: the protocols and suites Tomcat
 * enabled once it started, and live handshakes with it on the loopback address — the client's first choice, TLS 1.2
 * alone, and TLS 1.2 offering only suites the connector must refuse (CBC, non-ECDHE).
 */
@Component
public class TlsProbe {

    /** One handshake: what was negotiated, or why none was. */
    public record Handshake(boolean completed, String protocol, String suite, String refusal) {
    }

    /** The running HTTPS connector, as observed. */
    public record Observed(int port, List<String> enabledProtocols, List<String> enabledCiphers, Handshake preferred,
                           Handshake tls12, List<String> weakOffered, Handshake weak) {
    }

    private final ApplicationContext context;
    private final TlsProperties tls;

    TlsProbe(ApplicationContext context, TlsProperties tls) {
        this.context = context;
        this.tls = tls;
    }

    /** The HTTPS connector observed now; empty when the application does not terminate TLS itself. */
    public Optional<Observed> observe() {
        if (!tls.enabled() || !(context instanceof WebServerApplicationContext web)
                || !(web.getWebServer() instanceof TomcatWebServer tomcat)) {
            return Optional.empty();
        }
        for (var connector : tomcat.getTomcat().getService().findConnectors()) {
            if (!connector.getSecure() || connector.getLocalPort() <= 0) {
                continue;
            }
            var host = connector.findSslHostConfigs()[0];
            int port = connector.getLocalPort();
            List<String> weak = Arrays.stream(defaultSuites()).filter(s -> !forwardSecretAead(s) && !s.endsWith("_SCSV")).toList();
            return Optional.of(new Observed(port, List.of(host.getEnabledProtocols()), List.of(host.getEnabledCiphers()),
                    handshake("127.0.0.1", port, null, null), handshake("127.0.0.1", port, new String[] {"TLSv1.2"}, null),
                    weak, weak.isEmpty() ? null : handshake("127.0.0.1", port, new String[] {"TLSv1.2"}, weak.toArray(String[]::new))));
        }
        throw new IllegalStateException("bulwark.tls.enabled is on but no HTTPS connector is listening");
    }

    /** A TLS 1.3 suite, or a TLS 1.2 suite with ECDHE key exchange and an AEAD cipher. */
    public static boolean forwardSecretAead(String suite) {
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return aead && (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_") || suite.startsWith("TLS_ECDHE_"));
    }

    /**
     * A handshake with {@code host:port} offering {@code protocols} and {@code suites} (null: the JDK's defaults). The
     * server's certificate is not judged: the probe asks which protocol and suite the server agrees to, and sends no data.
     */
    public static Handshake handshake(String host, int port, String[] protocols, String[] suites) {
        try (SSLSocket socket = (SSLSocket) acceptingAnyCertificate().getSocketFactory().createSocket()) {
            // Loopback to this very process, which may be busy: a slow handshake is not a refused one.
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            if (protocols != null) {
                parameters.setProtocols(protocols);
            }
            if (suites != null) {
                parameters.setCipherSuites(suites);
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new Handshake(true, socket.getSession().getProtocol(), socket.getSession().getCipherSuite(), null);
        } catch (IOException e) {
            return new Handshake(false, null, null, e.getClass().getSimpleName());
        }
    }

    private static String[] defaultSuites() {
        try {
            return SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext acceptingAnyCertificate() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    throw new UnsupportedOperationException("a client-side probe");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // Deliberately accepted: the probe observes protocol and suite only, and sends nothing after the handshake.
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
