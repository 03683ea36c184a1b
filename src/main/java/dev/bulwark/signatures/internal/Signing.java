package dev.bulwark.signatures.internal;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.SignerFactors;
import dev.bulwark.identity.UserDirectory;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.shared.TooManyRequestsException;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.ApprovalGate;
import dev.bulwark.workspace.DocumentRecords;
import dev.bulwark.workspace.DocumentRecords.RecordVersion;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The signing ceremony and the signature records (docs/signatures.md). A challenge binds a user, a sign-in session, a
 * document version (by its SHA-256) and a meaning; signing spends it once, after re-authentication per 21 CFR
 * 11.200: the first signature of a session needs the password and the second factor, or a user-verifying passkey
 * assertion over the challenge; later ones within {@link #PERIOD} of the last need the password. Three wrong
 * components within {@link #PERIOD} lock signing for the user for {@link #PERIOD} (11.300(d)). Whether a signature
 * is valid is computed each time it is read, never stored.
 */
@Service
public class Signing implements ApprovalGate {

    public static final Duration PERIOD = Duration.ofMinutes(15);
    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    public static final int FAILURES_TO_LOCK = 3;
    public static final List<String> MEANINGS = List.of("approval", "review", "authorship", "responsibility");
    public static final int MAX_REASON = 1000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A challenge as answered. */
    public record Challenge(UUID challengeId, String challenge, String recordSha256, Instant expiresAt) {
    }

    public record Signer(UUID userId, String name, String role) {
    }

    /** A signature as answered; {@code valid} only in lists (null when just made). */
    public record SignatureView(UUID id, UUID documentId, int version, String recordSha256, String meaning, String reason,
                                Signer signer, Instant signedAt, String manifestSha256, String authMethod, Boolean valid) {
    }

    /** A stored signature with everything its manifest covers. */
    public record Stored(UUID id, UUID documentId, int version, byte[] recordSha256, String meaning, String reason, UUID signerId,
                         String signerName, String signerRole, Instant signedAt, String authMethod, byte[] nonce,
                         SignatureSpec.Assertion assertion, byte[] manifestSha256) {

        public SignatureSpec.Manifest manifest() {
            return new SignatureSpec.Manifest(id, documentId, version, recordSha256, meaning, reason, signerId, signerName,
                    signerRole, signedAt.toString(), authMethod, nonce, assertion);
        }

        /** Valid iff it is bound to {@code current} (the version as stored now) and its manifest and assertion hold. */
        public boolean validAgainst(byte[] current) {
            if (current == null || !java.security.MessageDigest.isEqual(current, recordSha256)
                    || !java.security.MessageDigest.isEqual(SignatureSpec.manifestSha256(manifest()), manifestSha256)) {
                return false;
            }
            return assertion == null || SignatureSpec.assertionHolds(assertion,
                    SignatureSpec.challenge(nonce, recordSha256, meaning, signerId));
        }

        SignatureView view(Boolean valid) {
            return new SignatureView(id, documentId, version, SignatureSpec.hex(recordSha256), meaning, reason,
                    new Signer(signerId, signerName, signerRole), signedAt, SignatureSpec.hex(manifestSha256), authMethod, valid);
        }
    }

    /** The passkey assertion a signer sends (base64url fields). */
    public record AssertionInput(String credentialId, String clientDataJSON, String authenticatorData, String signature) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final DocumentRecords records;
    private final SignerFactors factors;
    private final UserDirectory users;
    private final dev.bulwark.identity.SignatureCertificationRecords certifications;
    private final AuditLog audit;
    private final Clock clock;
    /** A failure is recorded in a transaction of its own: the request's transaction rolls back with the 401. */
    private final TransactionTemplate ownTransaction;

    Signing(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, DocumentRecords records,
            SignerFactors factors, UserDirectory users, dev.bulwark.identity.SignatureCertificationRecords certifications, AuditLog audit, java.util.Optional<Clock> clock,
            org.springframework.transaction.PlatformTransactionManager transactionManager) {
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.records = records;
        this.factors = factors;
        this.users = users;
        this.certifications = certifications;
        this.audit = audit;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A challenge for {@code documentId} version {@code version} with {@code meaning}: 404 unless both exist. */
    public Challenge challenge(Caller caller, UUID documentId, int version, String meaning) {
        if (!MEANINGS.contains(meaning)) {
            throw new InvalidInputException("meaning", "must be one of " + String.join(", ", MEANINGS));
        }
        RecordVersion record = records.version(caller.orgId(), documentId, version)
                .orElseThrow(() -> new NotFoundException("There is no such document version."));
        byte[] recordSha = recordSha256(record);
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        byte[] challenge = SignatureSpec.challenge(nonce, recordSha, meaning, caller.userId());
        UUID id = Ids.newId();
        Instant expires = now().plus(CHALLENGE_LIFETIME);
        transactions.executeWithoutResult(s -> tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            jdbc.sql("""
                            INSERT INTO signature_challenges (tenant_id, id, user_id, session_id, document_id, version, meaning, nonce,
                                                              record_sha256, challenge, expires_at)
                            VALUES (:org, :id, :user, :session, :document, :version, :meaning, :nonce, :record, :challenge, :expires)
                            """)
                    .param("org", caller.orgId())
                    .param("id", id)
                    .param("user", caller.userId())
                    .param("session", caller.sessionId())
                    .param("document", documentId)
                    .param("version", version)
                    .param("meaning", meaning)
                    .param("nonce", nonce)
                    .param("record", recordSha)
                    .param("challenge", challenge)
                    .param("expires", Timestamp.from(expires))
                    .update();
            audit.callerAction(caller, AuditType.SIGNATURE_CHALLENGE_ISSUED, Entity.of("signature_challenge", id),
                    Map.of("documentId", documentId.toString(), "version", version, "meaning", meaning,
                            "recordSha256", SignatureSpec.hex(recordSha)));
        }));
        return new Challenge(id, B64.encodeToString(challenge), SignatureSpec.hex(recordSha), expires);
    }

    private record Pending(UUID documentId, int version, String meaning, byte[] nonce, byte[] recordSha256, byte[] challenge,
                           Instant expiresAt, Instant usedAt, UUID userId) {
    }

    /** Signs the challenge's version after re-authentication (see the class comment). */
    public SignatureView sign(Caller caller, UUID challengeId, String reason, String password, String code, AssertionInput assertion) {
        UUID org = caller.orgId();
        UUID user = caller.userId();
        Instant now = now();
        lockedUntil(org, user, now).ifPresent(until -> {
            throw new TooManyRequestsException("Signing is locked after repeated failures; try again later.",
                    Duration.between(now, until).plusSeconds(1));
        });
        boolean certificationRequired = tenantScope.inTenant(org, user, () -> jdbc.sql("""
                        SELECT require_signature_certification FROM organisation_policies WHERE tenant_id = :org
                        """).param("org", org).query(Boolean.class).optional().orElse(false));
        if (certificationRequired && !certifications.hasCertified(user)) {
            throw new RefusedException(403, "signature-certification-required", "Certification required",
                    "This organisation requires your first-use certification (POST /api/v1/me/signature-certification) before you sign.");
        }
        Pending pending = tenantScope.inTenant(org, user, () -> jdbc.sql("""
                        SELECT document_id, version, meaning, nonce, record_sha256, challenge, expires_at, used_at, user_id
                        FROM signature_challenges WHERE tenant_id = :org AND id = :id
                        """)
                .param("org", org)
                .param("id", challengeId)
                .query((rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5),
                        rs.getBytes(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant(),
                        rs.getObject(9, UUID.class)))
                .optional()
                .filter(p -> p.userId().equals(user) && p.usedAt() == null && p.expiresAt().isAfter(now))
                .orElseThrow(Signing::challengeInvalid));
        // The version as stored now must still be the one the challenge named.
        byte[] current = records.version(org, pending.documentId(), pending.version()).map(Signing::recordSha256).orElse(null);
        if (current == null || !java.security.MessageDigest.isEqual(current, pending.recordSha256())) {
            throw challengeInvalid();
        }
        boolean inPeriod = tenantScope.inTenant(org, user, () -> jdbc.sql("""
                        SELECT last_signed_at FROM signing_periods WHERE tenant_id = :org AND user_id = :user AND session_id = :session
                        """)
                .param("org", org).param("user", user).param("session", caller.sessionId())
                .query(Timestamp.class).optional()
                .map(t -> t.toInstant().plus(PERIOD).isAfter(now)).orElse(false));
        String method;
        SignatureSpec.Assertion kept = null;
        if (assertion != null) {
            Optional<SignerFactors.VerifiedPasskey> verified;
            try {
                verified = factors.passkey(user, pending.challenge(), D64.decode(assertion.credentialId()),
                        D64.decode(assertion.clientDataJSON()), D64.decode(assertion.authenticatorData()), D64.decode(assertion.signature()));
            } catch (IllegalArgumentException notBase64) {
                verified = Optional.empty();
            }
            if (verified.isEmpty()) {
                throw failed(caller, challengeId, "passkey", now);
            }
            kept = new SignatureSpec.Assertion(assertion.credentialId(), assertion.clientDataJSON(), assertion.authenticatorData(),
                    assertion.signature(), Base64.getEncoder().encodeToString(verified.get().publicKey()), verified.get().keyAlgorithm());
            method = "passkey";
        } else if (password == null || password.isEmpty() || (!inPeriod && (code == null || code.isBlank()))) {
            throw new RefusedException(401, "signature-reauth-required", "Re-authentication required", inPeriod
                    ? "Signing needs your password."
                    : "The first signature of a session needs your password and your second factor (code), or a passkey assertion over the challenge.");
        } else {
            if (!factors.passwordMatches(user, password)) {
                throw failed(caller, challengeId, "password", now);
            }
            if (code != null && !code.isBlank()) {
                Optional<String> second = factors.secondFactor(user, code);
                if (second.isEmpty()) {
                    throw failed(caller, challengeId, "code", now);
                }
                method = "password+" + second.get();
            } else {
                method = "password";
            }
        }
        String name = users.profile(user).map(p -> p.name() == null || p.name().isBlank() ? p.email() : p.name()).orElse(user.toString());
        Stored stored = new Stored(Ids.newId(), pending.documentId(), pending.version(), pending.recordSha256(), pending.meaning(),
                reason, user, name, caller.role().name(), now, method, pending.nonce(), kept, null);
        byte[] manifest = SignatureSpec.manifestSha256(stored.manifest());
        Stored signed = new Stored(stored.id(), stored.documentId(), stored.version(), stored.recordSha256(), stored.meaning(),
                stored.reason(), user, name, stored.signerRole(), now, method, stored.nonce(), kept, manifest);
        SignatureSpec.Assertion finalKept = kept;
        transactions.executeWithoutResult(s -> tenantScope.inTenant(org, user, () -> {
            int spent = jdbc.sql("""
                            UPDATE signature_challenges SET used_at = :now
                            WHERE tenant_id = :org AND id = :id AND user_id = :user AND used_at IS NULL AND expires_at > :now
                            """)
                    .param("now", Timestamp.from(now)).param("org", org).param("id", challengeId).param("user", user)
                    .update();
            if (spent != 1) {
                throw challengeInvalid();
            }
            jdbc.sql("""
                            INSERT INTO signatures (tenant_id, id, document_id, version, record_sha256, meaning, reason, signer_id,
                                                    signer_name, signer_role, signed_at, auth_method, nonce, assertion, manifest_sha256)
                            VALUES (:org, :id, :document, :version, :record, :meaning, :reason, :signer, :name, :role, :at, :method,
                                    :nonce, CAST(:assertion AS jsonb), :manifest)
                            """)
                    .param("org", org)
                    .param("id", signed.id())
                    .param("document", signed.documentId())
                    .param("version", signed.version())
                    .param("record", signed.recordSha256())
                    .param("meaning", signed.meaning())
                    .param("reason", signed.reason())
                    .param("signer", user)
                    .param("name", name)
                    .param("role", signed.signerRole())
                    .param("at", Timestamp.from(now))
                    .param("method", method)
                    .param("nonce", signed.nonce())
                    .param("assertion", finalKept == null ? null : JSON.writeValueAsString(finalKept))
                    .param("manifest", manifest)
                    .update();
            jdbc.sql("""
                            INSERT INTO signing_periods (tenant_id, user_id, session_id, last_signed_at) VALUES (:org, :user, :session, :now)
                            ON CONFLICT (tenant_id, user_id, session_id) DO UPDATE SET last_signed_at = :now
                            """)
                    .param("org", org).param("user", user).param("session", caller.sessionId()).param("now", Timestamp.from(now))
                    .update();
            // The first signature on a draft's current version puts the document in review (docs/signatures.md).
            boolean toReview = records.markInReview(org, signed.documentId(), signed.version());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("documentId", signed.documentId().toString());
            details.put("version", signed.version());
            details.put("meaning", signed.meaning());
            details.put("recordSha256", SignatureSpec.hex(signed.recordSha256()));
            details.put("manifestSha256", SignatureSpec.hex(manifest));
            details.put("authMethod", method);
            details.put("signerName", name);
            details.put("signerRole", signed.signerRole());
            if (toReview) {
                details.put("documentStatusBefore", "draft");
                details.put("documentStatus", "in_review");
            }
            audit.callerAction(caller, AuditType.SIGNATURE_CREATED, Entity.of("signature", signed.id()), details);
        }));
        return signed.view(null);
    }

    /**
     * Records a wrong component (event {@code signature.failed}); the third within {@link #PERIOD} locks signing
     * for {@link #PERIOD} (event {@code signature.locked} instead). Committed although the request fails.
     */
    private RuntimeException failed(Caller caller, UUID challengeId, String component, Instant now) {
        UUID org = caller.orgId();
        UUID user = caller.userId();
        ownTransaction.executeWithoutResult(s -> {
            // A new transaction on another connection: bind it by a statement of its own, then let the scope adopt it
            // (the request's binding is a thread resource the new transaction does not suspend).
            jdbc.sql("SELECT set_config('app.tenant_id', :tenant, true), set_config('app.user_id', :user, true)")
                    .param("tenant", org.toString()).param("user", user.toString()).query((rs, n) -> 1).single();
            tenantScope.adoptBinding(org, user);
            recordFailure(caller, challengeId, component, now);
        });
        return new RefusedException(401, "signature-reauth-failed", "Re-authentication failed",
                "A component given for signing was not correct.");
    }

    private void recordFailure(Caller caller, UUID challengeId, String component, Instant now) {
        UUID org = caller.orgId();
        UUID user = caller.userId();
        tenantScope.inTenant(org, user, () -> {
            Instant since = jdbc.sql("""
                            SELECT max(failed_at) FROM signing_failures WHERE tenant_id = :org AND user_id = :user AND locked_until IS NOT NULL
                            """)
                    .param("org", org).param("user", user).query(Timestamp.class).optional()
                    .map(Timestamp::toInstant).filter(t -> t.isAfter(now.minus(PERIOD))).orElse(now.minus(PERIOD));
            long recent = jdbc.sql("SELECT count(*) FROM signing_failures WHERE tenant_id = :org AND user_id = :user AND failed_at > :since")
                    .param("org", org).param("user", user).param("since", Timestamp.from(since)).query(Long.class).single();
            boolean locks = recent + 1 >= FAILURES_TO_LOCK;
            Instant until = now.plus(PERIOD);
            jdbc.sql("INSERT INTO signing_failures (tenant_id, user_id, failed_at, locked_until) VALUES (:org, :user, :now, :until)")
                    .param("org", org).param("user", user).param("now", Timestamp.from(now))
                    .param("until", locks ? Timestamp.from(until) : null, java.sql.Types.TIMESTAMP)
                    .update();
            if (locks) {
                audit.callerAction(caller, AuditType.SIGNATURE_LOCKED, Entity.of("user", user),
                        Map.of("component", component, "lockedUntil", until.toString(), "failures", recent + 1));
            } else {
                audit.callerAction(caller, AuditType.SIGNATURE_FAILED, Entity.of("signature_challenge", challengeId),
                        Map.of("component", component));
            }
        });
    }

    private Optional<Instant> lockedUntil(UUID org, UUID user, Instant now) {
        return tenantScope.inTenant(org, user, () -> jdbc.sql("""
                        SELECT max(locked_until) FROM signing_failures WHERE tenant_id = :org AND user_id = :user
                        """)
                .param("org", org).param("user", user).query(Timestamp.class).optional()
                .map(Timestamp::toInstant).filter(until -> until.isAfter(now)));
    }

    private static RefusedException challengeInvalid() {
        return new RefusedException(409, "challenge-invalid", "Challenge not valid",
                "This challenge is unknown, spent, expired or not yours: request a new one.");
    }

    /** The signatures of a document (every version), oldest first, each with {@code valid} computed now. */
    public List<SignatureView> list(Caller caller, UUID projectId, UUID documentId) {
        if (!records.exists(caller.orgId(), projectId, documentId)) {
            throw new NotFoundException("There is no such document.");
        }
        List<Stored> all = stored(caller.orgId(), documentId, null);
        Map<Integer, byte[]> hashes = new java.util.HashMap<>();
        List<SignatureView> views = new ArrayList<>();
        for (Stored s : all) {
            byte[] current = hashes.computeIfAbsent(s.version(), v -> records.version(caller.orgId(), documentId, v)
                    .map(Signing::recordSha256).orElse(null));
            views.add(s.view(s.validAgainst(current)));
        }
        return views;
    }

    /** The stored signatures of a document (of one version when {@code version} is not null), oldest first. */
    public List<Stored> stored(UUID orgId, UUID documentId, Integer version) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("""
                        SELECT id, document_id, version, record_sha256, meaning, reason, signer_id, signer_name, signer_role, signed_at,
                               auth_method, nonce, assertion, manifest_sha256 FROM signatures
                        WHERE tenant_id = :org AND document_id = :document AND (CAST(:version AS integer) IS NULL OR version = :version)
                        ORDER BY signed_at, id
                        """)
                .param("org", orgId)
                .param("document", documentId)
                .param("version", version, java.sql.Types.INTEGER)
                .query(Signing::mapStored)
                .list());
    }

    private static Stored mapStored(ResultSet rs, int n) throws SQLException {
        String assertion = rs.getString("assertion");
        return new Stored(rs.getObject("id", UUID.class), rs.getObject("document_id", UUID.class), rs.getInt("version"),
                rs.getBytes("record_sha256"), rs.getString("meaning"), rs.getString("reason"), rs.getObject("signer_id", UUID.class),
                rs.getString("signer_name"), rs.getString("signer_role"), rs.getTimestamp("signed_at").toInstant(),
                rs.getString("auth_method"), rs.getBytes("nonce"),
                assertion == null ? null : JSON.readValue(assertion, SignatureSpec.Assertion.class), rs.getBytes("manifest_sha256"));
    }

    public static byte[] recordSha256(RecordVersion record) {
        return SignatureSpec.recordSha256(record.documentId(), record.version(), record.title(), record.body());
    }

    /**
     * Promotion's rule: the organisation's {@code approvals_required} distinct signers of valid {@code approval}
     * signatures on exactly this version; else 409 {@code signatures-required}.
     */
    @Override
    public void requireApprovals(UUID orgId, UUID documentId, int version) {
        int required = tenantScope.inTenant(orgId, null, () -> jdbc.sql("SELECT approvals_required FROM organisation_policies WHERE tenant_id = :org")
                .param("org", orgId).query(Integer.class).optional().orElse(1));
        byte[] current = records.version(orgId, documentId, version).map(Signing::recordSha256).orElse(null);
        long signers = stored(orgId, documentId, version).stream()
                .filter(s -> "approval".equals(s.meaning()) && s.validAgainst(current))
                .map(Stored::signerId).distinct().count();
        if (signers < required) {
            throw new RefusedException(409, "signatures-required", "Signatures required",
                    "Version " + version + " has " + signers + " valid approval signature(s) from distinct signers; this organisation requires "
                            + required + ".");
        }
    }
}
