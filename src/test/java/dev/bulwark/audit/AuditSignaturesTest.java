package dev.bulwark.audit;

import java.nio.charset.StandardCharsets;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit key signs other evidence only under a versioned context that can never read as a checkpoint note. */
class AuditSignaturesTest extends IntegrationTest {

    @Autowired
    private AuditSignatures signatures;

    @Test
    void onlyVersionedContextsAreSignedNeverACheckpointOrigin() {
        byte[] message = "2\nroot\n".getBytes(StandardCharsets.UTF_8);
        assertThat(signatures.sign("bulwark.trust-evidence.v1", message)).hasSize(64);
        for (String context : new String[] {"bulwark.localhost/audit/" + java.util.UUID.randomUUID(), "", "bulwark.trust-evidence",
                "other.thing.v1", "bulwark.trust-evidence.v1\nforged"}) {
            assertThatThrownBy(() -> signatures.sign(context, message)).as(context).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
