package dev.bulwark.signatures.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The writer's side of the signature spec (docs/signatures.md, "The spec"): the record hash, the challenge, the
 * manifest hash and the check of a passkey assertion. The offline verifier implements the same spec on its own
 * ({@code dev.bulwark.verifier.SignatureVerifier}); the two share only the document, and the tests hold them to it.
 * Every hash is SHA-256 over a sequence of fields, each written as its UTF-8 byte length in decimal, a colon, the
 * bytes and a newline: no field can run into the next. Hand-written because the encoding is the spec itself.
 */
public final class SignatureSpec {

    public static final String RECORD_TAG = "bulwark.record.v1";
    public static final String CHALLENGE_TAG = "bulwark.challenge.v1";
    public static final String MANIFEST_TAG = "bulwark.manifest.v1";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SignatureSpec() {
    }

    /** A passkey assertion as the manifest keeps it (base64url fields) with the credential's public key. */
    public record Assertion(String credentialId, String clientDataJSON, String authenticatorData, String signature,
                            String publicKey, String keyAlgorithm) {
    }

    /** The fields the manifest hash covers, in order. */
    public record Manifest(UUID signatureId, UUID documentId, int version, byte[] recordSha256, String meaning, String reason,
                           UUID signerId, String signerName, String signerRole, String signedAt, String authMethod,
                           byte[] nonce, Assertion assertion) {
    }

    public static byte[] recordSha256(UUID documentId, int version, String title, String body) {
        return hash(RECORD_TAG, documentId.toString(), Integer.toString(version), title, body == null ? "" : body);
    }

    public static byte[] challenge(byte[] nonce, byte[] recordSha256, String meaning, UUID signerId) {
        return hash(CHALLENGE_TAG, B64.encodeToString(nonce), hex(recordSha256), meaning, signerId.toString());
    }

    public static byte[] manifestSha256(Manifest m) {
        Assertion a = m.assertion();
        return hash(MANIFEST_TAG, m.signatureId().toString(), m.documentId().toString(), Integer.toString(m.version()),
                hex(m.recordSha256()), m.meaning(), m.reason(), m.signerId().toString(), m.signerName(), m.signerRole(),
                m.signedAt(), m.authMethod(), B64.encodeToString(m.nonce()),
                B64.encodeToString(challenge(m.nonce(), m.recordSha256(), m.meaning(), m.signerId())),
                a == null ? "" : a.credentialId(), a == null ? "" : a.clientDataJSON(), a == null ? "" : a.authenticatorData(),
                a == null ? "" : a.signature(), a == null ? "" : a.publicKey(), a == null ? "" : a.keyAlgorithm());
    }

    /**
     * Whether {@code a} is a WebAuthn assertion over {@code challenge} with the user present and verified, signed by
     * its public key: clientDataJSON names type {@code webauthn.get} and the challenge; the flags byte of the
     * authenticator data has UP and UV; the signature covers authenticatorData ‖ SHA-256(clientDataJSON).
     */
    public static boolean assertionHolds(Assertion a, byte[] challenge) {
        try {
            byte[] clientData = D64.decode(a.clientDataJSON());
            byte[] authData = D64.decode(a.authenticatorData());
            JsonNode client = JSON.readTree(clientData);
            if (!"webauthn.get".equals(client.path("type").asString(null))
                    || !B64.encodeToString(challenge).equals(client.path("challenge").asString(null))
                    || authData.length < 37 || (authData[32] & 0x05) != 0x05) {
                return false;
            }
            PublicKey key = KeyFactory.getInstance(a.keyAlgorithm()).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(a.publicKey())));
            Signature verifier = Signature.getInstance("EC".equals(a.keyAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(authData);
            verifier.update(sha256(clientData));
            return verifier.verify(D64.decode(a.signature()));
        } catch (RuntimeException | java.security.GeneralSecurityException malformed) {
            return false;
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hash(String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String field : fields) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            out.write(':');
            out.writeBytes(bytes);
            out.write('\n');
        }
        return sha256(out.toByteArray());
    }
}
