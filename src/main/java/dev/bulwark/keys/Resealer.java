package dev.bulwark.keys;

import java.util.UUID;

/**
 * Implemented by each module that stores {@link FieldCipher} ciphertexts: re-encrypts, a batch at a time, those of an
 * organisation that an older key made ({@link FieldCipher#stale}), never overwriting a value changed meanwhile.
 * {@link KeyRotation} drives every resealer after a rotation until none has anything left.
 */
public interface Resealer {

    /** What this resealer covers, for progress reports (e.g. {@code contacts}). */
    String name();

    /** Re-encrypts up to {@code limit} rows of {@code tenant} that hold a stale ciphertext; returns how many it took. */
    int resealBatch(UUID tenant, int limit);

    /**
     * Encrypts up to {@code limit} rows of {@code tenant} that still hold a value in a plaintext column from before
     * encryption, and clears it; returns how many it took (none for a resealer whose table has no such column).
     * {@link PlaintextSealing} runs it at start-up, before the application serves.
     */
    default int sealPlaintextBatch(UUID tenant, int limit) {
        return 0;
    }

    /** How many rows of {@code tenant} still hold a stale ciphertext. */
    long remaining(UUID tenant);
}
