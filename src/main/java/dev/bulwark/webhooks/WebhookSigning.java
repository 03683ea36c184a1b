package dev.bulwark.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import dev.bulwark.audit.AuditRecord;
import dev.bulwark.shared.Ids;
import dev.bulwark.webhooks.internal.Messages;
import dev.bulwark.webhooks.internal.Signatures;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The live exercise behind the trust center's "webhooks are signed" control (docs/webhooks.md): a canary delivery is
 * built by the production code (body, headers, signatures by a current and a previous secret, as during a rotation)
 * and verified with Standard Webhooks' reference library, an implementation independent of ours. No connection is
 * opened: what is checked is what a receiver gets.
 */
@Component
public class WebhookSigning {

    /** Every field true when deliveries are signed as Standard Webhooks v1 publishes the scheme. */
    public record SelfTest(boolean currentSecretVerifies, boolean previousSecretVerifies, boolean tamperedBodyRefused,
                           boolean otherSecretRefused, boolean noPersonalData) {

        public boolean passed() {
            return currentSecretVerifies && previousSecretVerifies && tamperedBodyRefused && otherSecretRefused && noPersonalData;
        }
    }

    private static final String CANARY_ADDRESS = "canary-personal-data@bulwark.invalid";

    public SelfTest run() {
        String current = Signatures.newSecret();
        String previous = Signatures.newSecret();
        // An event whose payload holds personal data: none of it may reach the body.
        var after = JsonNodeFactory.instance.objectNode().put("email", CANARY_ADDRESS);
        UUID eventId = Ids.newId();
        AuditRecord canary = new AuditRecord(eventId, 1, Instant.now().toString(), "contact.updated",
                new AuditRecord.Party("user", Ids.newId().toString()), new AuditRecord.Party("contact", Ids.newId().toString()),
                "canary", "192.0.2.1", "canary-agent", "canary-request", after, after, null, 1, null, null, null, null,
                "00".repeat(32));
        byte[] body = Messages.standardBody(canary);
        Map<String, String> headers = Messages.headers(Ids.newId(), Instant.now(), body, List.of(current, previous));
        String text = new String(body, StandardCharsets.UTF_8);
        byte[] tampered = body.clone();
        tampered[tampered.length / 2] ^= 0x01;
        return new SelfTest(verifies(current, text, headers), verifies(previous, text, headers),
                !verifies(current, new String(tampered, StandardCharsets.UTF_8), headers),
                !verifies(Signatures.newSecret(), text, headers),
                !text.contains(CANARY_ADDRESS) && !text.contains("\"before\"") && !text.contains("\"after\"")
                        && !text.contains("192.0.2.1") && !text.contains("canary-agent"));
    }

    private static boolean verifies(String secret, String body, Map<String, String> headers) {
        try {
            new Webhook(secret).verify(body, headers.entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
            return true;
        } catch (Exception refused) {
            return false;
        }
    }
}
