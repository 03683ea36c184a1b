package dev.bulwark.signatures;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.webauthn4j.data.AttestationConveyancePreference;
import com.webauthn4j.data.AuthenticatorAssertionResponse;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRequestOptions;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.test.EmulatorUtil;
import com.webauthn4j.test.authenticator.webauthn.PackedAuthenticator;
import com.webauthn4j.test.client.ClientPlatform;
import dev.bulwark.IntegrationTest;
import dev.bulwark.verifier.SignatureVerifier;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Electronic signatures end to end (docs/signatures.md): the 11.200 re-authentication matrix with TOTP and a software
 * passkey, lockout, non-transferability under mutation (API and offline verifier), the sealed evidence PDF checked by
 * Debian's pdfsig and pdftotext, and the promotion rule.
 */
class SignaturesTest extends IntegrationTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    /** An organisation with one project and a document; its owner's TOTP seed. */
    private record Setup(Tenant tenant, UUID projectId, UUID documentId, String totpSeed) {
        String docs() {
            return "/api/v1/orgs/" + tenant.id() + "/projects/" + projectId + "/documents/" + documentId;
        }
    }

    @Test
    void reauthenticationMatrix() throws Exception {
        Setup s = setup(true);
        Person owner = s.tenant().owner();
        List<String> decided = new ArrayList<>();

        // 1. First signature of the session with the password only: 401 reauth-required, not a failure.
        String c1 = challenge(s, owner, 1, "review");
        expect(sign(s, owner, c1, Map.of("password", STRONG_PASSWORD)), 401, "signature-reauth-required", decided);
        // 2. With the code only.
        expect(sign(s, owner, c1, Map.of("code", totp(s.totpSeed(), 0))), 401, "signature-reauth-required", decided);
        // 3. Nothing at all.
        expect(sign(s, owner, c1, Map.of()), 401, "signature-reauth-required", decided);
        // 4. Password and a wrong code: a failure.
        expect(sign(s, owner, c1, Map.of("password", STRONG_PASSWORD, "code", "000000")), 401, "signature-reauth-failed", decided);
        // 5. Password and code: signed.
        HttpResponse<String> first = sign(s, owner, c1, Map.of("password", STRONG_PASSWORD, "code", totp(s.totpSeed(), 1)));
        expect(first, 201, null, decided);
        assertThat(body(first).get("authMethod").asString()).isEqualTo("password+totp");
        // 6. The same challenge again: replayed.
        expect(sign(s, owner, c1, Map.of("password", STRONG_PASSWORD)), 409, "challenge-invalid", decided);
        // 7. Within the window: the password alone.
        String c2 = challenge(s, owner, 1, "approval");
        expect(sign(s, owner, c2, Map.of("password", STRONG_PASSWORD)), 201, null, decided);
        // 8. Within the window with a wrong password: a failure.
        String c3 = challenge(s, owner, 1, "authorship");
        expect(sign(s, owner, c3, Map.of("password", "wrong-password-entirely")), 401, "signature-reauth-failed", decided);
        // 9. Outside the window (the period moved back 16 minutes): the password alone no longer does.
        sql("UPDATE bulwark.signing_periods SET last_signed_at = last_signed_at - interval '16 minutes' WHERE tenant_id = '" + s.tenant().id() + "'");
        expect(sign(s, owner, c3, Map.of("password", STRONG_PASSWORD)), 401, "signature-reauth-required", decided);
        // 10. A stale challenge.
        String stale = challenge(s, owner, 1, "responsibility");
        sql("UPDATE bulwark.signature_challenges SET expires_at = now() - interval '1 second' WHERE id = '" + stale + "'");
        expect(sign(s, owner, stale, Map.of("password", STRONG_PASSWORD, "code", totp(s.totpSeed(), -1))), 409, "challenge-invalid", decided);
        // 11. An unknown challenge.
        expect(sign(s, owner, UUID.randomUUID().toString(), Map.of("password", STRONG_PASSWORD)), 409, "challenge-invalid", decided);
        // 12. Someone else's challenge (another member of the organisation).
        Person member = joined(s.tenant().id(), "MEMBER");
        String theirs = challenge(s, member, 1, "review");
        expect(sign(s, owner, theirs, Map.of("password", STRONG_PASSWORD)), 409, "challenge-invalid", decided);
        // 13. A foreign organisation's challenge, through the caller's own organisation: unknown there.
        Setup other = setup(false);
        String foreign = challenge(other, other.tenant().owner(), 1, "review");
        expect(sign(s, owner, foreign, Map.of("password", STRONG_PASSWORD)), 409, "challenge-invalid", decided);

        // Passkeys: a user-verifying assertion over the challenge is both components.
        ClientPlatform key = authenticator();
        Person passkeyUser = joined(s.tenant().id(), "MEMBER");
        verifyEmail(passkeyUser.email());
        passkeyUser = signIn(passkeyUser.email(), passkeyUser.id());
        register(key, passkeyUser);
        // 14. Passkey over this ceremony's challenge, UV: signed.
        JsonNode pc = challengeBody(s, passkeyUser, 1, "approval");
        HttpResponse<String> byKey = sign(s, passkeyUser, pc.get("challengeId").asString(),
                Map.of("assertion", assertion(key, D64.decode(pc.get("challenge").asString()), true)));
        expect(byKey, 201, null, decided);
        assertThat(body(byKey).get("authMethod").asString()).isEqualTo("passkey");
        // 15. An assertion from another ceremony.
        JsonNode pc2 = challengeBody(s, passkeyUser, 1, "review");
        JsonNode pc3 = challengeBody(s, passkeyUser, 1, "authorship");
        expect(sign(s, passkeyUser, pc2.get("challengeId").asString(),
                Map.of("assertion", assertion(key, D64.decode(pc3.get("challenge").asString()), true))), 401, "signature-reauth-failed", decided);
        // 16. Without user verification.
        expect(sign(s, passkeyUser, pc2.get("challengeId").asString(),
                Map.of("assertion", assertion(key, D64.decode(pc2.get("challenge").asString()), false))), 401, "signature-reauth-failed", decided);
        // 17. Another user's credential (the owner presents the passkey user's key): 401, and the owner is now locked.
        JsonNode oc = challengeBody(s, owner, 1, "review");
        expect(sign(s, owner, oc.get("challengeId").asString(),
                Map.of("assertion", assertion(key, D64.decode(oc.get("challenge").asString()), true))), 401, "signature-reauth-failed", decided);
        assertThat(eventsOfType(s.tenant().id(), "signature.locked")).as("the owner's third failure locks: " + rows(
                "SELECT user_id, failed_at, locked_until FROM bulwark.signing_failures WHERE tenant_id = '" + s.tenant().id() + "' ORDER BY failed_at")
                + " failed events " + eventsOfType(s.tenant().id(), "signature.failed")).isEqualTo(1);
        // 18. Locked: even correct components answer 429 with Retry-After.
        HttpResponse<String> locked = sign(s, owner, oc.get("challengeId").asString(), Map.of("password", STRONG_PASSWORD, "code", totp(s.totpSeed(), 0)));
        expect(locked, 429, null, decided);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        // 19. Within the window, the passkey signer's password alone signs.
        JsonNode within = challengeBody(s, passkeyUser.auth(), 1, "responsibility");
        expect(sign(s, passkeyUser.auth(), within.get("challengeId").asString(), Map.of("password", STRONG_PASSWORD)), 201, null, decided);
        // 19b. After logout the period ends: the next session's first signature needs both components again.
        assertThat(call("POST", "/api/v1/auth/logout", passkeyUser, null).statusCode()).isEqualTo(204);
        String[] next = signInWithPasskey(key);
        JsonNode afterLogout = challengeBody(s, next, 1, "approval");
        expect(sign(s, next, afterLogout.get("challengeId").asString(), Map.of("password", STRONG_PASSWORD)), 401,
                "signature-reauth-required", decided);
        String mc = challenge(s, member, 1, "approval");
        // 20. A reason over 1,000 characters: 400, nothing recorded.
        expect(sign(s, member, mc, Map.of("password", STRONG_PASSWORD, "reason", "x".repeat(1001))), 400, null, decided);
        // 21. An API key never signs, nor asks for a challenge.
        // 22. A VIEWER cannot request a challenge.
        Person viewer = joined(s.tenant().id(), "VIEWER");
        HttpResponse<String> refusedViewer = call("POST", "/api/v1/orgs/" + s.tenant().id() + "/signatures/challenges", viewer,
                json.writeValueAsString(Map.of("documentId", s.documentId(), "version", 1, "meaning", "approval")));
        expect(refusedViewer, 403, null, decided);
        // 23. A version that does not exist, 24. an unknown meaning, 25. another organisation's document.
        expect(call("POST", "/api/v1/orgs/" + s.tenant().id() + "/signatures/challenges", owner,
                json.writeValueAsString(Map.of("documentId", s.documentId(), "version", 9, "meaning", "approval"))), 404, null, decided);
        expect(call("POST", "/api/v1/orgs/" + s.tenant().id() + "/signatures/challenges", owner,
                json.writeValueAsString(Map.of("documentId", s.documentId(), "version", 1, "meaning", "liking"))), 400, null, decided);
        expect(call("POST", "/api/v1/orgs/" + s.tenant().id() + "/signatures/challenges", owner,
                json.writeValueAsString(Map.of("documentId", other.documentId(), "version", 1, "meaning", "approval"))), 404, null, decided);
        assertThat(decided).hasSizeGreaterThanOrEqualTo(20);

        // Exactly the four accepted signatures were recorded.
        JsonNode list = body(call("GET", s.docs() + "/signatures", owner, null));
        assertThat(list.get("items")).hasSize(4);
        list.get("items").forEach(item -> assertThat(item.get("valid").asBoolean()).isTrue());
        assertThat(eventsOfType(s.tenant().id(), "signature.created")).isEqualTo(4);
        assertThat(eventsOfType(s.tenant().id(), "signature.failed")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void promotionNeedsTheApprovalsOnExactlyThatVersion() throws Exception {
        Setup s = setup(true);
        Person owner = s.tenant().owner();
        HttpResponse<String> early = call("POST", s.docs() + "/promote", owner, "{\"version\":1}");
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(body(early).get("type").asString()).endsWith("/signatures-required");
        assertThat(body(call("GET", s.docs(), owner, null)).get("status").asString()).isEqualTo("draft");
        assertThat(body(call("GET", s.docs(), owner, null)).get("effectiveVersion").isNull()).isTrue();
        // A review signature does not count for promotion, but the first signature of any meaning puts the draft in review,
        // recorded in that signature's event; a second signature changes nothing more.
        assertThat(sign(s, owner, challenge(s, owner, 1, "review"), Map.of("password", STRONG_PASSWORD, "code", totp(s.totpSeed(), 0))).statusCode()).isEqualTo(201);
        assertThat(body(call("GET", s.docs(), owner, null)).get("status").asString()).isEqualTo("in_review");
        List<JsonNode> created = events(s, owner, "signature.created");
        assertThat(created).hasSize(1);
        assertThat(created.getFirst().get("after").get("documentStatusBefore").asString()).isEqualTo("draft");
        assertThat(created.getFirst().get("after").get("documentStatus").asString()).isEqualTo("in_review");
        assertThat(call("POST", s.docs() + "/promote", owner, "{\"version\":1}").statusCode()).isEqualTo(409);
        assertThat(sign(s, owner, challenge(s, owner, 1, "approval"), Map.of("password", STRONG_PASSWORD)).statusCode()).isEqualTo(201);
        assertThat(body(call("GET", s.docs(), owner, null)).get("status").asString()).isEqualTo("in_review");
        assertThat(events(s, owner, "signature.created")).hasSize(2)
                .filteredOn(e -> e.get("after").has("documentStatus")).hasSize(1);
        HttpResponse<String> promoted = call("POST", s.docs() + "/promote", owner, "{\"version\":1}");
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        assertThat(body(promoted).get("status").asString()).isEqualTo("effective");
        assertThat(body(promoted).get("effectiveVersion").asInt()).isEqualTo(1);
        assertThat(eventsOfType(s.tenant().id(), "document.promoted")).isEqualTo(1);

        // An edit makes version 2, a draft and unsigned; version 1's signatures stay valid and do not move.
        HttpResponse<String> edited = call("PATCH", s.docs(), owner, "{\"body\":\"<p>changed</p>\"}", "If-Match", "\"1\"");
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        assertThat(body(edited).get("status").asString()).isEqualTo("draft");
        assertThat(body(edited).get("effectiveVersion").asInt()).as("version 1 stays the effective one").isEqualTo(1);
        assertThat(call("POST", s.docs() + "/promote", owner, "{\"version\":2}").statusCode()).isEqualTo(409);
        JsonNode list = body(call("GET", s.docs() + "/signatures", owner, null));
        list.get("items").forEach(item -> {
            assertThat(item.get("version").asInt()).isEqualTo(1);
            assertThat(item.get("valid").asBoolean()).isTrue();
        });
        // Two approvals required, set through the API; 0, 6 and a non-number are refused and change nothing.
        String policy = "/api/v1/orgs/" + s.tenant().id() + "/security-policy";
        for (String bad : List.of("0", "6", "\"x\"")) {
            HttpResponse<String> refused = call("PUT", policy, owner,
                    "{\"requireMfa\":false,\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":900,\"approvalsRequired\":" + bad + "}");
            assertThat(refused.statusCode()).as(bad + ": " + refused.body()).isEqualTo(400);
            JsonNode unchanged = body(call("GET", policy, owner, null));
            assertThat(unchanged.get("approvalsRequired").asInt()).isEqualTo(1);
            assertThat(unchanged.get("stepUpWindowSeconds").asInt()).isNotEqualTo(900);
        }
        assertThat(eventsOfType(s.tenant().id(), "org.policy.updated")).isZero();
        HttpResponse<String> two = call("PUT", policy, owner,
                "{\"requireMfa\":false,\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":600,\"approvalsRequired\":2}");
        assertThat(two.statusCode()).as(two.body()).isEqualTo(200);
        assertThat(body(call("GET", policy, owner, null)).get("approvalsRequired").asInt()).isEqualTo(2);
        // One signer twice is not two. The first signature on version 2 puts the draft in review again.
        assertThat(sign(s, owner, challenge(s, owner, 2, "approval"), Map.of("password", STRONG_PASSWORD)).statusCode()).isEqualTo(201);
        assertThat(body(call("GET", s.docs(), owner, null)).get("status").asString()).isEqualTo("in_review");
        assertThat(sign(s, owner, challenge(s, owner, 2, "approval"), Map.of("password", STRONG_PASSWORD)).statusCode()).isEqualTo(201);
        assertThat(call("POST", s.docs() + "/promote", owner, "{\"version\":2}").statusCode()).isEqualTo(409);
        Person admin = joined(s.tenant().id(), "ADMIN");
        String adminSeed = enrolTotp(admin);
        assertThat(sign(s, admin, challenge(s, admin, 2, "approval"), Map.of("password", STRONG_PASSWORD, "code", totp(adminSeed, 1))).statusCode()).isEqualTo(201);
        HttpResponse<String> second = call("POST", s.docs() + "/promote", owner, "{\"version\":2}");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(body(second).get("effectiveVersion").asInt()).isEqualTo(2);
        // An edit of a document in review sends it back to draft, its new version unsigned.
        Setup r = setup(true);
        assertThat(sign(r, r.tenant().owner(), challenge(r, r.tenant().owner(), 1, "authorship"),
                Map.of("password", STRONG_PASSWORD, "code", totp(r.totpSeed(), 0))).statusCode()).isEqualTo(201);
        assertThat(body(call("GET", r.docs(), r.tenant().owner(), null)).get("status").asString()).isEqualTo("in_review");
        HttpResponse<String> back = call("PATCH", r.docs(), r.tenant().owner(), "{\"title\":\"Changed\"}", "If-Match", "\"1\"");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(body(back).get("status").asString()).isEqualTo("draft");
        assertThat(body(back).get("effectiveVersion").isNull()).isTrue();
        List<JsonNode> updated = events(r, r.tenant().owner(), "document.updated");
        assertThat(updated).hasSize(1);
        assertThat(updated.getFirst().get("before").get("status").asString()).isEqualTo("in_review");
        assertThat(updated.getFirst().get("after").get("status").asString()).isEqualTo("draft");
        // Bad input and other organisations.
        assertThat(call("POST", s.docs() + "/promote", owner, "{\"version\":7}").statusCode()).isEqualTo(404);
        assertThat(call("POST", s.docs() + "/promote", owner, "{\"version\":0}").statusCode()).isEqualTo(400);
        Setup other = setup(false);
        assertThat(call("POST", "/api/v1/orgs/" + s.tenant().id() + "/projects/" + other.projectId() + "/documents/" + other.documentId()
                + "/promote", owner, "{\"version\":1}").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/orgs/" + s.tenant().id() + "/projects/" + other.projectId() + "/documents/" + other.documentId()
                + "/signatures", owner, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", other.docs() + "/signatures", owner, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", other.docs() + "/versions/1/evidence.pdf", owner, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", s.docs() + "/versions/9/evidence.pdf", owner, null).statusCode()).isEqualTo(404);
        // The app role can neither change nor remove a signature.
        assertThat(grants("signatures")).contains("SELECT", "INSERT").doesNotContain("UPDATE", "DELETE");
    }

    @Test
    void firstUseCertificationIsRecordedOnce() throws Exception {
        Setup s = setup(true);
        Person owner = s.tenant().owner();
        String path = "/api/v1/me/signature-certification";
        assertThat(call("GET", path, owner, null).statusCode()).isEqualTo(404);
        // Bad input changes nothing.
        for (String bad : List.of("{}", "{\"statement\":\"  \"}", "{\"statement\":\"" + "x".repeat(2001) + "\"}", "{\"statement\":7}")) {
            HttpResponse<String> refused = call("POST", path, owner, bad);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        }
        assertThat(call("GET", path, owner, null).statusCode()).isEqualTo(404);
        // An organisation may require the certification before signing: refused (403), nothing recorded.
        String policy = "/api/v1/orgs/" + s.tenant().id() + "/security-policy";
        HttpResponse<String> set = call("PUT", policy, owner,
                "{\"requireMfa\":false,\"requireVerifiedEmail\":false,\"stepUpWindowSeconds\":600,\"requireSignatureCertification\":true}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(body(call("GET", policy, owner, null)).get("requireSignatureCertification").asBoolean()).isTrue();
        String early = challenge(s, owner, 1, "review");
        HttpResponse<String> uncertified = sign(s, owner, early, Map.of("password", STRONG_PASSWORD));
        assertThat(uncertified.statusCode()).as(uncertified.body()).isEqualTo(403);
        assertThat(body(uncertified).get("type").asString()).endsWith("/signature-certification-required");
        assertThat(eventsOfType(s.tenant().id(), "signature.created")).isZero();
        assertThat(eventsOfType(s.tenant().id(), "signature.failed")).isZero();
        String statement = "I certify that my electronic signature is the legally binding equivalent of my handwritten signature.";
        HttpResponse<String> made = call("POST", path, owner, "{\"statement\":\"" + statement + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(body(made).get("userId").asString()).isEqualTo(owner.id().toString());
        JsonNode shown = body(call("GET", path, owner, null));
        assertThat(shown.get("statement").asString()).isEqualTo(statement);
        assertThat(shown.get("certifiedAt").asString()).isEqualTo(body(made).get("certifiedAt").asString());
        assertThat(eventsOfType(s.tenant().id(), "signature.certified")).isEqualTo(1);
        // Certified, the same challenge now signs, with the usual re-authentication.
        HttpResponse<String> signed = sign(s, owner, early, Map.of("password", STRONG_PASSWORD, "code", totp(s.totpSeed(), 0)));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(201);
        // Once only: a second answers 409 and keeps the first.
        HttpResponse<String> again = call("POST", path, owner, "{\"statement\":\"something else\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(body(again).get("type").asString()).endsWith("/already-certified");
        assertThat(body(call("GET", path, owner, null)).get("statement").asString()).isEqualTo(statement);
        assertThat(eventsOfType(s.tenant().id(), "signature.certified")).isEqualTo(1);
        // Another person sees only their own (none), and the app role can neither change nor remove a certification.
        Person member = joined(s.tenant().id(), "MEMBER");
        assertThat(call("GET", path, member, null).statusCode()).isEqualTo(404);
        assertThat(grants("signature_certifications")).contains("SELECT", "INSERT").doesNotContain("UPDATE", "DELETE");
        assertThat(call("GET", path, (Person) null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void evidencePdfIsSealedVerifiableAndEveryMutationIsRejected() throws Exception {
        Setup s = setup(true);
        Person owner = s.tenant().owner();
        ClientPlatform key = authenticator();
        assertThat(sign(s, owner, challenge(s, owner, 1, "approval"), Map.of("password", STRONG_PASSWORD, "code", totp(s.totpSeed(), 0),
                "reason", "I approve this procedure")).statusCode()).isEqualTo(201);
        Person passkeyUser = joined(s.tenant().id(), "MEMBER");
        verifyEmail(passkeyUser.email());
        passkeyUser = signIn(passkeyUser.email(), passkeyUser.id());
        register(key, passkeyUser);
        JsonNode pc = challengeBody(s, passkeyUser, 1, "review");
        assertThat(sign(s, passkeyUser, pc.get("challengeId").asString(),
                Map.of("assertion", assertion(key, D64.decode(pc.get("challenge").asString()), true), "reason", "Reviewed")).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> evidence = send(HttpRequest.newBuilder(uri(s.docs() + "/versions/1/evidence.pdf")).headers(owner.auth()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(evidence.statusCode()).isEqualTo(200);
        assertThat(evidence.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/pdf");
        byte[] pdf = evidence.body();
        HttpResponse<String> certificate = call("GET", "/api/v1/orgs/" + s.tenant().id() + "/signatures/certificate", owner, null);
        assertThat(certificate.statusCode()).isEqualTo(200);
        assertThat(certificate.body()).startsWith("-----BEGIN CERTIFICATE-----");

        // The offline verifier and pdfsig agree that it holds; pdftotext shows every manifestation field.
        SignatureVerifier.Result verified = SignatureVerifier.verify(pdf, certificate.body());
        assertThat(verified.valid()).as(verified.failure()).isTrue();
        assertThat(verified.signatures()).hasSize(2);
        Path file = Files.createTempFile("evidence", ".pdf");
        Files.write(file, pdf);
        String pdfsig = run("pdfsig", file.toString());
        assertThat(pdfsig).contains("Signature is Valid").contains("Total document signed").contains("ETSI.CAdES.detached");
        String text = run("pdftotext", "-layout", file.toString(), "-");
        JsonNode signatures = body(call("GET", s.docs() + "/signatures", owner, null)).get("items");
        for (JsonNode sig : signatures) {
            assertThat(text).contains(sig.get("signer").get("name").asString(), sig.get("signer").get("role").asString(),
                    sig.get("meaning").asString(), sig.get("reason").asString(), s.documentId().toString(),
                    "Version: 1", sig.get("recordSha256").asString(), Instant.parse(sig.get("signedAt").asString()).toString());
        }
        Path pem = Files.createTempFile("seal", ".pem");
        Files.writeString(pem, certificate.body());
        assertThat(SignatureVerifier.run(new String[] {"--pdf", file.toString(), "--certificate", pem.toString()},
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))).isZero();

        // 200 single-byte changes in the signed range: pdfsig and the verifier both refuse each.
        Random random = new Random(22);
        int[] range = byteRange(pdf);
        for (int i = 0; i < 200; i++) {
            byte[] flipped = pdf.clone();
            int at = random.nextBoolean() ? random.nextInt(range[1]) : range[2] + random.nextInt(range[3]);
            flipped[at] = (byte) (flipped[at] ^ (1 + random.nextInt(255)));
            assertThat(SignatureVerifier.verify(flipped, certificate.body()).valid()).as("flip at " + at).isFalse();
            Files.write(file, flipped);
            assertThat(run("pdfsig", file.toString())).as("pdfsig, flip at " + at).doesNotContain("Signature is Valid");
        }

        // Another organisation's certificate does not verify this seal.
        Setup other = setup(false);
        String otherPem = call("GET", "/api/v1/orgs/" + other.tenant().id() + "/signatures/certificate", other.tenant().owner(), null).body();
        assertThat(SignatureVerifier.verify(pdf, otherPem).valid()).isFalse();

        // Manifest mutations (offline): each field of each signature, and assertions swapped between ceremonies.
        JsonNode manifest = json.readTree(manifestOf(pdf));
        assertThat(SignatureVerifier.manifest(manifest).valid()).isTrue();
        List<String> fields = List.of("signatureId", "documentId", "version", "recordSha256", "meaning", "reason", "signedAt",
                "authMethod", "nonce", "challenge", "manifestSha256");
        int mutations = 0;
        for (int i = 0; i < manifest.get("signatures").size(); i++) {
            for (String field : fields) {
                ObjectNode copy = (ObjectNode) manifest.deepCopy();
                ObjectNode sig = (ObjectNode) copy.get("signatures").get(i);
                mutate(sig, field);
                assertThat(SignatureVerifier.manifest(copy).valid()).as("mutated " + field).isFalse();
                mutations++;
            }
            for (String field : List.of("userId", "name", "role")) {
                ObjectNode copy = (ObjectNode) manifest.deepCopy();
                mutate((ObjectNode) copy.get("signatures").get(i).get("signer"), field);
                assertThat(SignatureVerifier.manifest(copy).valid()).as("mutated signer " + field).isFalse();
                mutations++;
            }
        }
        for (String field : List.of("documentId", "version", "title", "body", "recordSha256")) {
            ObjectNode copy = (ObjectNode) manifest.deepCopy();
            mutate((ObjectNode) copy.get("record"), field);
            assertThat(SignatureVerifier.manifest(copy).valid()).as("mutated record " + field).isFalse();
            mutations++;
        }
        int passkeyIndex = manifest.get("signatures").get(0).get("assertion").isObject() ? 0 : 1;
        for (String field : List.of("clientDataJSON", "authenticatorData", "signature", "publicKey", "credentialId")) {
            ObjectNode copy = (ObjectNode) manifest.deepCopy();
            mutate((ObjectNode) copy.get("signatures").get(passkeyIndex).get("assertion"), field);
            assertThat(SignatureVerifier.manifest(copy).valid()).as("mutated assertion " + field).isFalse();
            mutations++;
        }
        {   // an assertion from another ceremony, with the manifest hash recomputed cannot help: the challenge differs
            ObjectNode copy = (ObjectNode) manifest.deepCopy();
            ((ObjectNode) copy.get("signatures").get(1 - passkeyIndex)).set("assertion", manifest.get("signatures").get(passkeyIndex).get("assertion"));
            assertThat(SignatureVerifier.manifest(copy).valid()).isFalse();
            mutations++;
        }

        // Database mutations (the API computes validity): every column that binds a signature, and a row copied.
        UUID org = s.tenant().id();
        String passkeyId = signatures.get(passkeyIndex).get("id").asString();
        List<String> updates = List.of(
                "version = 2", "document_id = '" + UUID.randomUUID() + "'", "record_sha256 = sha256('x'::bytea)", "meaning = 'authorship'",
                "reason = 'something else'", "signer_id = '" + UUID.randomUUID() + "'", "signer_name = 'Mallory'", "signer_role = 'OWNER_'",
                "signed_at = signed_at + interval '1 second'", "auth_method = 'password'", "nonce = sha256('n'::bytea)",
                "manifest_sha256 = sha256('m'::bytea)", "assertion = jsonb_set(assertion, '{signature}', '\"AAAA\"')");
        // version 2 must exist for the version mutation to satisfy the foreign key
        assertThat(call("PATCH", s.docs(), owner, "{\"title\":\"v2\"}", "If-Match", "\"1\"").statusCode()).isEqualTo(200);
        for (String update : updates) {
            sql("SET session_replication_role = replica",
                    "CREATE TABLE IF NOT EXISTS bulwark.signatures_kept AS SELECT * FROM bulwark.signatures WHERE false",
                    "DELETE FROM bulwark.signatures_kept",
                    "INSERT INTO bulwark.signatures_kept SELECT * FROM bulwark.signatures WHERE id = '" + passkeyId + "'",
                    "UPDATE bulwark.signatures SET " + update + " WHERE id = '" + passkeyId + "'");
            // The mutated signature is no longer a valid signature of this document: shown invalid, or gone from it.
            JsonNode now = body(call("GET", s.docs() + "/signatures", owner, null)).get("items");
            boolean stillValid = false;
            for (JsonNode item : now) {
                stillValid |= item.get("id").asString().equals(passkeyId) && item.get("valid").asBoolean();
            }
            assertThat(stillValid).as("mutation " + update).isFalse();
            sql("DELETE FROM bulwark.signatures WHERE id = '" + passkeyId + "'",
                    "INSERT INTO bulwark.signatures SELECT * FROM bulwark.signatures_kept", "DROP TABLE bulwark.signatures_kept");
            mutations++;
        }
        // A row copied to another record (version 2): invalid there, and version 2 still cannot be promoted.
        sql("INSERT INTO bulwark.signatures SELECT tenant_id, gen_random_uuid(), document_id, 2, record_sha256, meaning, reason,"
                + " signer_id, signer_name, signer_role, signed_at, auth_method, nonce, assertion, manifest_sha256 FROM bulwark.signatures"
                + " WHERE version = 1 AND tenant_id = '" + s.tenant().id() + "' AND document_id = '" + s.documentId() + "'");
        mutations++;
        for (JsonNode item : body(call("GET", s.docs() + "/signatures", owner, null)).get("items")) {
            assertThat(item.get("valid").asBoolean()).as("version " + item.get("version")).isEqualTo(item.get("version").asInt() == 1);
        }
        assertThat(call("POST", s.docs() + "/promote", owner, "{\"version\":2}").statusCode()).isEqualTo(409);
        assertThat(mutations).isGreaterThanOrEqualTo(50);
    }

    // --- helpers

    private static void mutate(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && value.isNumber()) {
            node.put(field, value.asInt() + 1);
        } else {
            String text = value == null ? "" : value.asString();
            node.put(field, text.isEmpty() ? "A" : (text.charAt(0) == 'A' ? "B" : "A") + text.substring(1));
        }
    }

    private Setup setup(boolean withTotp) {
        Tenant tenant = newTenant();
        String seed = withTotp ? enrolTotp(tenant.owner()) : null;
        UUID project = UUID.fromString(body(call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(),
                "{\"name\":\"Quality\"}")).get("id").asString());
        HttpResponse<String> doc = call("POST", "/api/v1/orgs/" + tenant.id() + "/projects/" + project + "/documents", tenant.owner(),
                "{\"title\":\"SOP-7 Cleaning\",\"body\":\"<p>Clean the line &amp; record it.</p><p>Second paragraph.</p>\"}");
        assertThat(doc.statusCode()).as(doc.body()).isEqualTo(201);
        return new Setup(tenant, project, UUID.fromString(body(doc).get("id").asString()), seed);
    }

    private String enrolTotp(Person person) {
        verifyEmail(person.email());
        HttpResponse<String> started = call("POST", "/api/v1/me/mfa/totp", person, "{}");
        assertThat(started.statusCode()).as(started.body()).isBetween(200, 201);
        String secret = body(started).get("secret").asString();
        HttpResponse<String> confirmed = call("POST", "/api/v1/me/mfa/totp/confirm", person, "{\"code\":\"" + totp(secret, -1) + "\"}");
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        return secret;
    }

    /** RFC 6238 with SHA-1, six digits, 30-second steps: the code of the current step plus {@code offset}. */
    private static String totp(String base32, int offset) {
        try {
            long step = Instant.now().getEpochSecond() / 30 + offset;
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(new Base32().decode(base32), "HmacSHA1"));
            byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
            int o = h[h.length - 1] & 0x0f;
            int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
            return String.format("%06d", bin % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String challenge(Setup s, Person as, int version, String meaning) {
        return challengeBody(s, as, version, meaning).get("challengeId").asString();
    }

    private JsonNode challengeBody(Setup s, Person as, int version, String meaning) {
        return challengeBody(s, as.auth(), version, meaning);
    }

    private JsonNode challengeBody(Setup s, String[] auth, int version, String meaning) {
        HttpResponse<String> r = call("POST", "/api/v1/orgs/" + s.tenant().id() + "/signatures/challenges", null,
                json.writeValueAsString(Map.of("documentId", s.documentId(), "version", version, "meaning", meaning)), auth);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return body(r);
    }

    private HttpResponse<String> sign(Setup s, Person as, String challengeId, Map<String, Object> components) {
        return sign(s, as.auth(), challengeId, components);
    }

    private HttpResponse<String> sign(Setup s, String[] auth, String challengeId, Map<String, Object> components) {
        Map<String, Object> request = new LinkedHashMap<>(components);
        request.put("challengeId", challengeId);
        request.putIfAbsent("reason", "I approve");
        return call("POST", "/api/v1/orgs/" + s.tenant().id() + "/signatures", null, json.writeValueAsString(request), auth);
    }

    private void expect(HttpResponse<String> response, int status, String problem, List<String> decided) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (problem != null) {
            assertThat(body(response).get("type").asString()).endsWith("/" + problem);
        }
        decided.add(status + " " + problem);
    }

    private static ClientPlatform authenticator() {
        ClientPlatform platform = EmulatorUtil.createClientPlatform(new PackedAuthenticator());
        platform.setOrigin(new Origin("http://localhost:8080"));
        return platform;
    }

    private void register(ClientPlatform key, Person as) {
        JsonNode options = body(call("POST", "/api/v1/me/passkeys/registration-options", as, "{}"));
        PublicKeyCredentialCreationOptions creation = new PublicKeyCredentialCreationOptions(
                new PublicKeyCredentialRpEntity(options.get("rp").get("id").asString(), options.get("rp").get("name").asString()),
                new PublicKeyCredentialUserEntity(D64.decode(options.get("user").get("id").asString()), as.email(), as.email()),
                new DefaultChallenge(D64.decode(options.get("challenge").asString())),
                List.of(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256)),
                60_000L, List.of(),
                new AuthenticatorSelectionCriteria(null, ResidentKeyRequirement.REQUIRED, UserVerificationRequirement.REQUIRED),
                AttestationConveyancePreference.DIRECT, null);
        PublicKeyCredential<AuthenticatorAttestationResponse, ?> credential = key.create(creation);
        HttpResponse<String> r = call("POST", "/api/v1/me/passkeys", as, json.writeValueAsString(Map.of(
                "clientDataJSON", B64.encodeToString(credential.getResponse().getClientDataJSON()),
                "attestationObject", B64.encodeToString(credential.getResponse().getAttestationObject()), "name", "Test key")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** A passwordless sign-in with the passkey: a new session; its Authorization header. */
    private String[] signInWithPasskey(ClientPlatform key) {
        JsonNode options = body(postJson("/api/v1/auth/passkey/options", "{}"));
        HttpResponse<String> r = postJson("/api/v1/auth/passkey", assertion(key, D64.decode(options.get("challenge").asString()), true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return bearer(body(r));
    }

    private static Map<String, String> assertion(ClientPlatform key, byte[] challenge, boolean userVerification) {
        PublicKeyCredentialRequestOptions request = new PublicKeyCredentialRequestOptions(new DefaultChallenge(challenge), 60_000L,
                "localhost", null, userVerification ? UserVerificationRequirement.REQUIRED : UserVerificationRequirement.DISCOURAGED, null);
        PublicKeyCredential<AuthenticatorAssertionResponse, ?> assertion = key.get(request);
        return Map.of("credentialId", B64.encodeToString(assertion.getRawId()),
                "clientDataJSON", B64.encodeToString(assertion.getResponse().getClientDataJSON()),
                "authenticatorData", B64.encodeToString(assertion.getResponse().getAuthenticatorData()),
                "signature", B64.encodeToString(assertion.getResponse().getSignature()));
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws Exception {
        return http.send(request, handler);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int[] byteRange(byte[] pdf) {
        String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/ByteRange\\s*\\[\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*]").matcher(text);
        assertThat(m.find()).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))};
    }

    private static byte[] manifestOf(byte[] pdf) throws Exception {
        try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return doc.getDocumentCatalog().getNames().getEmbeddedFiles().getNames().get("signing-manifest.json").getEmbeddedFile().toByteArray();
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = connectAs("postgres")) {
            for (String statement : statements) {
                try (PreparedStatement ps = c.prepareStatement(statement)) {
                    ps.execute();
                }
            }
        }
    }

    private static String rows(String query) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(query); var rs = ps.executeQuery()) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.append(rs.getString(i)).append(' ');
                }
                out.append("; ");
            }
        }
        return out.toString();
    }

    /** The organisation's events of {@code type}, read through the audit API (the stored details are sealed). */
    private List<JsonNode> events(Setup s, Person as, String type) {
        HttpResponse<String> page = call("GET", "/api/v1/orgs/" + s.tenant().id() + "/audit?type=" + type + "&limit=100", as, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        body(page).get("items").forEach(out::add);
        return out;
    }

    private static String grants(String table) throws Exception {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT string_agg(privilege_type, ',') FROM information_schema.role_table_grants"
                     + " WHERE table_schema = 'bulwark' AND table_name = ? AND grantee = 'bulwark_app'")) {
            ps.setString(1, table);
            var rs = ps.executeQuery();
            rs.next();
            return String.valueOf(rs.getString(1));
        }
    }
}
