package dev.bulwark.identity;

import java.util.Optional;
import java.util.UUID;

/**
 * The components a signer re-authenticates with at signing (21 CFR 11.200; docs/signatures.md), checked without
 * touching sessions, sign-in throttles or step-up state: the signatures module counts its own failures. Each check
 * spends what it uses (a TOTP step, a recovery code, a passkey's signature counter).
 */
public interface SignerFactors {

    /** Whether {@code password} is the user's password. */
    boolean passwordMatches(UUID userId, String password);

    /** The second factor {@code code} matched ({@code totp} or {@code recovery_code}), spent once; empty otherwise. */
    Optional<String> secondFactor(UUID userId, String code);

    /**
     * Verifies a WebAuthn assertion over {@code challenge} by one of the user's own passkeys, with user verification
     * required: the credential's public key when it holds, empty otherwise (another user's credential, another
     * challenge, UV not set, a bad signature).
     */
    Optional<VerifiedPasskey> passkey(UUID userId, byte[] challenge, byte[] credentialId, byte[] clientDataJson,
                                      byte[] authenticatorData, byte[] signature);

    /** A passkey that verified: its id and its public key as X.509 SubjectPublicKeyInfo (DER), for offline checks. */
    record VerifiedPasskey(byte[] credentialId, byte[] publicKey, String keyAlgorithm) {
    }
}
