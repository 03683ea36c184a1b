package dev.bulwark.web.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import dev.bulwark.shared.OwnerOnlyFiles;
import dev.bulwark.web.TlsProperties;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The HTTPS connector ({@code bulwark.tls.enabled}): protocols pinned to TLS 1.3 and 1.2 and suites to forward-secret
 * AEAD ones (Mozilla's "intermediate" list, without DHE) in the application itself, not left to the JDK's defaults.
 * Without a configured certificate, a self-signed one is generated for development (Bouncy Castle, since the JDK has
 * no public API to issue a certificate) and renewed when it has less than a week left.
 */
@Configuration(proxyBeanMethods = false)
class TlsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);

    static final String PROTOCOLS = "TLSv1.3+TLSv1.2";
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> httpsConnector(TlsProperties tls, List<TomcatConnectorCustomizer> customizers) {
        return factory -> {
            if (!tls.enabled()) {
                return;
            }
            Path[] pem = tls.certificate() != null ? new Path[] {tls.certificate(), tls.privateKey()} : selfSigned(tls);
            Connector connector = new Connector(Http11NioProtocol.class.getName());
            connector.setPort(tls.port());
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setProperty("SSLEnabled", "true");
            SSLHostConfig host = new SSLHostConfig();
            host.setProtocols(PROTOCOLS);
            host.setCiphers(String.join(":", CIPHERS));
            host.setHonorCipherOrder(true);
            SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
            certificate.setCertificateFile(pem[0].toAbsolutePath().toString());
            certificate.setCertificateKeyFile(pem[1].toAbsolutePath().toString());
            host.addCertificate(certificate);
            connector.addSslHostConfig(host);
            // The same timeouts and limits as the plain connector.
            customizers.forEach(c -> c.customize(connector));
            factory.addAdditionalConnectors(connector);
        };
    }

    /** The development certificate and key in {@code dir}, generated (or renewed) when missing or expiring. */
    static Path[] selfSigned(TlsProperties tls) {
        Path cert = tls.dir().resolve("dev-certificate.pem");
        Path key = tls.dir().resolve("dev-private-key.pem");
        try {
            if (Files.exists(cert) && Files.exists(key) && !expiring(cert)) {
                return new Path[] {cert, key};
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=Bulwark development certificate");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(90))), subject, pair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String name : tls.hostnames()) {
                names.add(new GeneralName(name.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, name));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            OwnerOnlyFiles.write(cert, pem(certificate));
            OwnerOnlyFiles.write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()));
            log.warn("TLS uses a self-signed development certificate ({}); configure bulwark.tls.certificate for real use", cert);
            return new Path[] {cert, key};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the development TLS certificate", e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the development TLS certificate", e);
        }
    }

    private static boolean expiring(Path cert) {
        try (var in = Files.newInputStream(cert)) {
            X509Certificate existing = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return existing.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(7)));
        } catch (IOException | GeneralSecurityException e) {
            return true;
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
