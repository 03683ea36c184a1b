package dev.bulwark.keys.internal;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import dev.bulwark.keys.KeyProperties;
import dev.bulwark.shared.KeyUnavailableException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Finds the KMS key behind a URI: every {@link KmsClient} bean (Tink's AWS, GCP or Vault integrations, added as a
 * dependency and a bean), and the {@link LocalKms} stand-in when {@code bulwark.keys.local-kms-dir} is set. Clients are
 * asked in that order; the first that supports the URI answers.
 */
@Component
public class KmsAeads {

    private final List<KmsClient> clients = new ArrayList<>();

    KmsAeads(ObjectProvider<KmsClient> beans, KeyProperties properties) throws GeneralSecurityException {
        beans.orderedStream().forEach(clients::add);
        if (properties.localKmsDir() != null) {
            clients.add(new LocalKms(properties.localKmsDir()));
        }
    }

    /** Whether some client supports {@code uri}: what an organisation may point at. */
    public boolean supports(String uri) {
        return clients.stream().anyMatch(c -> c.doesSupport(uri));
    }

    /** The AEAD of the KMS key {@code uri}; {@link KeyUnavailableException} when no client supports it or it refuses. */
    public Aead aead(String uri) {
        for (KmsClient client : clients) {
            if (client.doesSupport(uri)) {
                try {
                    return client.getAead(uri);
                } catch (GeneralSecurityException | RuntimeException e) {
                    throw new KeyUnavailableException("the KMS key cannot be used", e);
                }
            }
        }
        throw new KeyUnavailableException("no KMS client supports this key URI", null);
    }
}
