package dev.bulwark.identity;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The WebAuthn relying party: its id (the site's domain), display name, and the origins passkeys may come from.
 *
 * @param rpId    the relying party id: the site's registrable domain
 * @param rpName  the name authenticators show
 * @param origins the origins (scheme://host[:port]) passkey ceremonies may come from
 */
@ConfigurationProperties("bulwark.passkeys")
public record PasskeyProperties(
        @DefaultValue("localhost") String rpId,
        @DefaultValue("Bulwark") String rpName,
        @DefaultValue("http://localhost:8080") List<String> origins) {
}
