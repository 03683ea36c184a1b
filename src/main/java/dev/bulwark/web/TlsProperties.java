package dev.bulwark.web;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * TLS in the application (docs/http-hardening.md). Off by default (a proxy in front terminates TLS); on, an HTTPS
 * connector on {@code port} speaks TLS 1.3 and 1.2 only with modern AEAD suites, and plain HTTP answers 308 to it.
 *
 * @param enabled     whether to serve HTTPS
 * @param port        the HTTPS port (0: any free port)
 * @param certificate PEM certificate chain; unset: a self-signed certificate for {@code hostnames} is generated in
 *                    {@code dir} (development)
 * @param privateKey  PEM (PKCS#8) private key of {@code certificate}
 * @param dir         where the generated development certificate lives
 * @param hostnames   names (and addresses) of the generated certificate
 */
@ConfigurationProperties("bulwark.tls")
public record TlsProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("8443") int port,
        Path certificate,
        Path privateKey,
        @DefaultValue("./var/tls") Path dir,
        @DefaultValue({"localhost", "127.0.0.1"}) List<String> hostnames) {

    public TlsProperties {
        // Unset environment variables arrive as empty paths.
        certificate = certificate == null || certificate.toString().isEmpty() ? null : certificate;
        privateKey = privateKey == null || privateKey.toString().isEmpty() ? null : privateKey;
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("bulwark.tls.certificate and private-key go together");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("bulwark.tls.port must be a port number");
        }
    }
}
