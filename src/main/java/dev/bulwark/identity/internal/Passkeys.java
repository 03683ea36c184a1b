package dev.bulwark.identity.internal;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.Challenge;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import dev.bulwark.audit.AuditType;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.PasskeyProperties;
import dev.bulwark.identity.Profile;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.Tokens;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.bulwark.identity.internal.SecurityEvents.OTHER_SESSIONS_ENDED;
import static dev.bulwark.identity.internal.SecurityEvents.REASON;

/**
 * Passkeys (WebAuthn, verified by webauthn4j): registering one (signed in, step-up) and signing in with one, without
 * a password. Sign-in requires user verification by the authenticator (PIN or biometric), so a passkey alone is two
 * factors. Challenges are random, single-use and live five minutes.
 */
@Service
public class Passkeys {

    private static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebAuthnManager webauthn = WebAuthnManager.createNonStrictWebAuthnManager();
    private final AttestedCredentialDataConverter credentials = new AttestedCredentialDataConverter(new ObjectConverter());
    private final PasskeyProperties properties;
    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final AuthService auth;
    private final Users users;
    private final SecurityEvents events;
    private final SessionStore sessions;

    Passkeys(PasskeyProperties properties, JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions,
             AuthService auth, Users users, SecurityEvents events, SessionStore sessions) {
        this.properties = properties;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.auth = auth;
        this.users = users;
        this.events = events;
        this.sessions = sessions;
    }

    /** Options for navigator.credentials.create(): a fresh challenge, the RP, the user, accepted algorithms. */
    public Map<String, Object> registrationOptions(UUID userId, UUID sessionId) {
        auth.requireVerifiedEmail(userId);
        auth.requireRecentFactor(userId, sessionId);
        String email = users.profile(userId).map(Profile::email).orElseThrow();
        byte[] challenge = newChallenge("register", userId);
        List<String> existing = tenantScope.asUser(userId, () -> jdbc.sql("SELECT credential_id FROM passkeys WHERE user_id = :user")
                .param("user", userId).query(byte[].class).list()).stream().map(B64::encodeToString).toList();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("challenge", B64.encodeToString(challenge));
        options.put("rp", Map.of("id", properties.rpId(), "name", properties.rpName()));
        options.put("user", Map.of("id", B64.encodeToString(uuidBytes(userId)), "name", email, "displayName", email));
        options.put("pubKeyCredParams", List.of(Map.of("type", "public-key", "alg", -7), Map.of("type", "public-key", "alg", -257)));
        options.put("timeout", CHALLENGE_LIFETIME.toMillis());
        options.put("excludeCredentials", existing.stream().map(id -> Map.of("type", "public-key", "id", id)).toList());
        options.put("authenticatorSelection", Map.of("residentKey", "required", "userVerification", "required"));
        return options;
    }

    /** Verifies an attestation against the user's pending challenge and stores the passkey. Ends other sessions. */
    public String register(UUID userId, UUID sessionId, byte[] clientDataJson, byte[] attestationObject, String name, ClientInfo client) {
        auth.requireVerifiedEmail(userId);
        auth.requireRecentFactor(userId, sessionId);
        RegistrationRequest request = new RegistrationRequest(attestationObject, clientDataJson);
        RegistrationData parsed;
        try {
            parsed = webauthn.parse(request);
        } catch (RuntimeException malformed) {
            throw new InvalidInputException("attestationObject", "is not a WebAuthn attestation");
        }
        Challenge challenge = parsed.getCollectedClientData() == null ? null : parsed.getCollectedClientData().getChallenge();
        Instant now = now();
        return transactions.execute(s -> {
            if (challenge == null || !consumeChallenge(challenge.getValue(), "register", userId, now)) {
                throw new InvalidInputException("clientDataJSON", "does not answer a pending registration challenge");
            }
            try {
                webauthn.verify(parsed, new RegistrationParameters(serverProperty(challenge), ALGORITHMS, false, true));
            } catch (RuntimeException rejected) {
                throw new InvalidInputException("attestationObject", "was not accepted: " + rejected.getClass().getSimpleName());
            }
            AttestedCredentialData credential = parsed.getAttestationObject().getAuthenticatorData().getAttestedCredentialData();
            byte[] id = credential.getCredentialId();
            tenantScope.asUser(userId, () -> {
                jdbc.sql("""
                                INSERT INTO passkeys (user_id, credential_id, attested_credential_data, sign_count, name, created_at)
                                VALUES (:user, :id, :data, :count, :name, :now)
                                """)
                        .param("user", userId)
                        .param("id", id)
                        .param("data", credentials.convert(credential))
                        .param("count", parsed.getAttestationObject().getAuthenticatorData().getSignCount())
                        .param("name", name == null || name.isBlank() ? "Passkey" : name)
                        .param("now", Timestamp.from(now))
                        .update();
                jdbc.sql("INSERT INTO passkey_index (credential_hash, user_id) VALUES (:hash, :user)")
                        .param("hash", Tokens.hash(B64.encodeToString(id)))
                        .param("user", userId)
                        .update();
                int ended = sessions.revokeOthers(userId, sessionId, "factor_changed", now);
                events.userEvent(AuditType.PASSKEY_ADDED, userId, client, Map.of(OTHER_SESSIONS_ENDED, ended));
                return null;
            });
            return B64.encodeToString(id);
        });
    }

    /** Options for navigator.credentials.get() in a passwordless sign-in. */
    public Map<String, Object> authenticationOptions() {
        byte[] challenge = newChallenge("authenticate", null);
        return Map.of("challenge", B64.encodeToString(challenge), "rpId", properties.rpId(),
                "timeout", CHALLENGE_LIFETIME.toMillis(), "userVerification", "required");
    }

    /** A passwordless sign-in: a valid assertion with user verification, for a pending challenge, opens a session. */
    public TokenPair authenticate(byte[] credentialId, byte[] clientDataJson, byte[] authenticatorData, byte[] signature,
                                  ClientInfo client) {
        UUID userId = transactions.execute(s -> verifyAssertion(credentialId, clientDataJson, authenticatorData, signature, null, now()))
                .orElseThrow(() -> refused(credentialId, client));
        return auth.signInWithVerifiedFactor(userId, client, "passkey");
    }

    /** The second step of a password sign-in, answered with a passkey of the challenge's user. */
    public TokenPair secondFactor(String mfaToken, byte[] credentialId, byte[] clientDataJson, byte[] authenticatorData,
                                  byte[] signature, ClientInfo client) {
        return auth.completeMfa(mfaToken, (userId, now) -> verifyAssertion(credentialId, clientDataJson, authenticatorData,
                signature, userId, now).isPresent() ? "passkey" : null, client);
    }

    /** Step-up with one of the signed-in user's own passkeys. */
    public void stepUp(UUID userId, UUID sessionId, byte[] credentialId, byte[] clientDataJson, byte[] authenticatorData,
                       byte[] signature, ClientInfo client) {
        Optional<UUID> verified = transactions.execute(s -> verifyAssertion(credentialId, clientDataJson, authenticatorData,
                signature, userId, now()));
        if (verified.isEmpty()) {
            throw refused(credentialId, client);
        }
        auth.stepUpVerified(userId, sessionId, client, "passkey");
    }

    /**
     * An assertion over a challenge the caller derived itself (a signing ceremony's, docs/signatures.md), by one of
     * {@code userId}'s passkeys, user verification required. Not a sign-in: no session, throttle or event. Runs in a
     * transaction of its own; the signature counter advances as for any use.
     */
    public Optional<dev.bulwark.identity.SignerFactors.VerifiedPasskey> verifyForSigning(UUID userId, byte[] expectedChallenge,
            byte[] credentialId, byte[] clientDataJson, byte[] authenticatorData, byte[] signature) {
        AuthenticationData parsed;
        try {
            parsed = webauthn.parse(new AuthenticationRequest(credentialId, authenticatorData, clientDataJson, signature));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        return transactions.execute(s -> tenantScope.asUser(userId, () -> {
            record Stored(byte[] data, long count) {
            }
            Optional<Stored> stored = jdbc.sql("""
                            SELECT attested_credential_data, sign_count FROM passkeys
                            WHERE user_id = :user AND credential_id = :id FOR UPDATE
                            """)
                    .param("user", userId)
                    .param("id", credentialId)
                    .query((rs, n) -> new Stored(rs.getBytes(1), rs.getLong(2)))
                    .optional();
            if (stored.isEmpty()) {
                return Optional.<dev.bulwark.identity.SignerFactors.VerifiedPasskey>empty();
            }
            AttestedCredentialData data = credentials.convert(stored.get().data());
            CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null,
                    stored.get().count(), data, null, null, null, null);
            Set<Origin> origins = properties.origins().stream().map(Origin::new).collect(Collectors.toSet());
            try {
                webauthn.verify(parsed, new AuthenticationParameters(
                        new ServerProperty(origins, properties.rpId(), new DefaultChallenge(expectedChallenge)), record, null, true, true));
            } catch (RuntimeException rejected) {
                return Optional.<dev.bulwark.identity.SignerFactors.VerifiedPasskey>empty();
            }
            jdbc.sql("UPDATE passkeys SET sign_count = :count, last_used_at = :now WHERE user_id = :user AND credential_id = :id")
                    .param("count", parsed.getAuthenticatorData().getSignCount())
                    .param("now", Timestamp.from(now()))
                    .param("user", userId)
                    .param("id", credentialId)
                    .update();
            java.security.PublicKey key = data.getCOSEKey().getPublicKey();
            return Optional.of(new dev.bulwark.identity.SignerFactors.VerifiedPasskey(credentialId, key.getEncoded(), key.getAlgorithm()));
        }));
    }

    private UnauthenticatedException refused(byte[] credentialId, ClientInfo client) {
        jdbc.sql("SELECT user_id FROM passkey_index WHERE credential_hash = :hash")
                .param("hash", Tokens.hash(B64.encodeToString(credentialId)))
                .query(UUID.class)
                .optional()
                .ifPresent(owner -> transactions.executeWithoutResult(s -> events.userEvent(AuditType.LOGIN_FAILED, owner, client,
                        Map.of(REASON, "bad_passkey_assertion"))));
        return new UnauthenticatedException(AuthService.INVALID_CREDENTIALS);
    }

    /**
     * Verifies an assertion (user verification required) for a pending challenge, spending the challenge; the user
     * the passkey belongs to, who must be {@code expectedUser} when one is given. Runs in the caller's transaction.
     */
    private Optional<UUID> verifyAssertion(byte[] credentialId, byte[] clientDataJson, byte[] authenticatorData, byte[] signature,
                                           UUID expectedUser, Instant now) {
        AuthenticationData parsed;
        try {
            parsed = webauthn.parse(new AuthenticationRequest(credentialId, authenticatorData, clientDataJson, signature));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        Challenge challenge = parsed.getCollectedClientData() == null ? null : parsed.getCollectedClientData().getChallenge();
        Optional<UUID> owner = jdbc.sql("SELECT user_id FROM passkey_index WHERE credential_hash = :hash")
                .param("hash", Tokens.hash(B64.encodeToString(credentialId)))
                .query(UUID.class)
                .optional();
        if (challenge == null || !consumeChallenge(challenge.getValue(), "authenticate", null, now) || owner.isEmpty()
                || (expectedUser != null && !expectedUser.equals(owner.get()))) {
            return Optional.empty();
        }
        UUID userId = owner.get();
        record Stored(byte[] data, long count) {
        }
        boolean verified = tenantScope.asUser(userId, () -> {
            Optional<Stored> stored = jdbc.sql("""
                            SELECT attested_credential_data, sign_count FROM passkeys
                            WHERE user_id = :user AND credential_id = :id FOR UPDATE
                            """)
                    .param("user", userId)
                    .param("id", credentialId)
                    .query((rs, n) -> new Stored(rs.getBytes(1), rs.getLong(2)))
                    .optional();
            if (stored.isEmpty()) {
                return false;
            }
            CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null,
                    stored.get().count(), credentials.convert(stored.get().data()), null, null, null, null);
            try {
                webauthn.verify(parsed, new AuthenticationParameters(serverProperty(challenge), record, null, true, true));
            } catch (RuntimeException rejected) {
                return false;
            }
            jdbc.sql("UPDATE passkeys SET sign_count = :count, last_used_at = :now WHERE user_id = :user AND credential_id = :id")
                    .param("count", parsed.getAuthenticatorData().getSignCount())
                    .param("now", Timestamp.from(now))
                    .param("user", userId)
                    .param("id", credentialId)
                    .update();
            return true;
        });
        return verified ? Optional.of(userId) : Optional.empty();
    }

    private byte[] newChallenge(String purpose, UUID userId) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        jdbc.sql("INSERT INTO webauthn_challenges (challenge_hash, purpose, user_id, expires_at) VALUES (:hash, :purpose, :user, :expires)")
                .param("hash", Tokens.hash(B64.encodeToString(challenge)))
                .param("purpose", purpose)
                .param("user", userId)
                .param("expires", Timestamp.from(now().plus(CHALLENGE_LIFETIME)))
                .update();
        return challenge;
    }

    /** Spends a pending challenge of {@code purpose} (for {@code userId}, or for anyone when null): once only. */
    private boolean consumeChallenge(byte[] challenge, String purpose, UUID userId, Instant now) {
        return jdbc.sql("""
                        DELETE FROM webauthn_challenges
                        WHERE challenge_hash = :hash AND purpose = :purpose AND expires_at > :now
                          AND (CAST(:user AS uuid) IS NULL OR user_id = :user)
                        """)
                .param("hash", Tokens.hash(B64.encodeToString(challenge)))
                .param("purpose", purpose)
                .param("user", userId)
                .param("now", Timestamp.from(now))
                .update() == 1;
    }

    private ServerProperty serverProperty(Challenge challenge) {
        Set<Origin> origins = properties.origins().stream().map(Origin::new).collect(Collectors.toSet());
        return new ServerProperty(origins, properties.rpId(), new DefaultChallenge(challenge.getValue()));
    }

    private static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
