package dev.bulwark.egress;

import java.net.InetAddress;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import javax.net.ssl.SSLContext;

import dev.bulwark.egress.internal.HttpEgress;

/**
 * Egress for a command line that runs without the application context ({@code restore --from-s3}): the same client,
 * checks and allow list as the bean, with the system resolver and the JDK's default trust store.
 */
public final class StandaloneEgress {

    private StandaloneEgress() {
    }

    public static Egress create(EgressProperties properties) {
        Resolver system = host -> List.of(InetAddress.getAllByName(host)); // as egress/internal/SystemResolver
        try {
            return new HttpEgress(properties, system, SSLContext.getDefault().getSocketFactory());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }
}
