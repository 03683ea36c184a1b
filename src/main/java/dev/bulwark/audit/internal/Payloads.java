package dev.bulwark.audit.internal;

import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import org.springframework.stereotype.Component;

/**
 * An event's before/after at rest: the canonical JSON encrypted under the organisation's key, bound to the event's id
 * and side ({@code before_ct}, {@code after_ct}); plaintext from before V16 ({@code before_json}, {@code after_json}) was sealed at start-up
 * ({@link PayloadResealer#sealPlaintextBatch}) and is refused if found now. The chain's data digest covers the plaintext, so what is hashed never depends on the key.
 */
@Component
public class Payloads {

    private final FieldCipher cipher;

    Payloads(FieldCipher cipher) {
        this.cipher = cipher;
    }

    public byte[] seal(UUID tenant, UUID eventId, String side, String canonicalJson) {
        return cipher.encrypt(field(tenant, eventId, side), canonicalJson);
    }

    /** The side's canonical JSON: the ciphertext opened, null when there is none; refused when {@code plaintext} is not null. */
    public String open(UUID tenant, UUID eventId, String side, byte[] sealed, String plaintext) {
        return cipher.open(field(tenant, eventId, side), sealed, plaintext);
    }

    /** One organisation's before/after, opened for many events in a row (a chain verification). */
    public final class Opener {

        private final FieldCipher.Column before;
        private final FieldCipher.Column after;

        private Opener(UUID tenant) {
            this.before = cipher.column(tenant, "audit_events", "before");
            this.after = cipher.column(tenant, "audit_events", "after");
        }

        /**
         * As {@link Payloads#open}, for this opener's organisation, as UTF-8 bytes (what the data digest hashes); the
         * caller clears them once used.
         */
        public byte[] openUtf8(UUID eventId, String side, byte[] sealed) {
            if (sealed == null) {
                return null;
            }
            return (side.equals("before") ? before : after).decryptUtf8(eventId, sealed);
        }
    }

    public Opener opener(UUID tenant) {
        return new Opener(tenant);
    }

    private static FieldCipher.Field field(UUID tenant, UUID eventId, String side) {
        return new FieldCipher.Field(tenant, "audit_events", side, eventId);
    }
}
