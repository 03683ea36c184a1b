package dev.bulwark.identity;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.webauthn4j.data.AttestationConveyancePreference;
import com.webauthn4j.data.AuthenticatorAssertionResponse;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRequestOptions;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.test.EmulatorUtil;
import com.webauthn4j.test.authenticator.webauthn.PackedAuthenticator;
import com.webauthn4j.test.client.ClientPlatform;
import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Passkeys with a software authenticator (webauthn4j-test): register, sign in without a password, refusals. */
class PasskeyTest extends IntegrationTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private ClientPlatform authenticator;
    private String email;
    private JsonNode tokens;

    @BeforeEach
    void signedIn() {
        authenticator = newAuthenticator();
        email = signedUp();
        verifyEmail(email);
        tokens = login(email);
    }

    @Test
    void registerThenSignInWithoutAPasswordAndNeverReplay() {
        JsonNode otherDevice = login(email);
        HttpResponse<String> registered = register(tokens);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(get("/api/v1/me", bearer(otherDevice)).statusCode()).as("a new factor ends other sessions").isEqualTo(401);

        Map<String, String> assertion = assertion();
        HttpResponse<String> signedIn = postJson("/api/v1/auth/passkey", assertion);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        JsonNode passkeyTokens = body(signedIn);
        assertThat(body(get("/api/v1/me", bearer(passkeyTokens))).get("email").asString()).isEqualTo(email);
        assertThat(postJson("/api/v1/auth/passkey", assertion).statusCode()).as("the challenge is spent").isEqualTo(401);
    }

    @Test
    void aPasskeyIsTheSecondFactorAfterThePassword() {
        assertThat(register(tokens).statusCode()).isEqualTo(201);
        assertThat(body(get("/api/v1/me", bearer(tokens))).get("mfaEnabled").asBoolean()).isTrue();
        JsonNode challenge = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)));
        assertThat(challenge.get("mfaRequired").asBoolean()).isTrue();
        String mfaToken = challenge.get("mfaToken").asString();

        // Someone else's passkey does not answer this user's challenge.
        ClientPlatform strangersKey = newAuthenticator();
        String strangerEmail = signedUp();
        verifyEmail(strangerEmail);
        JsonNode strangerTokens = login(strangerEmail);
        assertThat(registerWith(strangersKey, strangerEmail, strangerTokens).statusCode()).isEqualTo(201);
        Map<String, Object> wrong = new java.util.HashMap<>(assertionWith(strangersKey));
        wrong.put("mfaToken", mfaToken);
        assertThat(postJson("/api/v1/auth/login/mfa/passkey", wrong).statusCode()).isEqualTo(401);

        Map<String, Object> right = new java.util.HashMap<>(assertion());
        right.put("mfaToken", mfaToken);
        HttpResponse<String> passed = postJson("/api/v1/auth/login/mfa/passkey", right);
        assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
        assertThat(get("/api/v1/me", bearer(body(passed))).statusCode()).isEqualTo(200);
    }

    @Test
    void stepUpWithAPasskey() throws Exception {
        assertThat(register(tokens).statusCode()).isEqualTo(201);
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '11 minutes' WHERE user_id = "
                        + "?")) {
            ps.setObject(1, userIdOf(email));
            ps.executeUpdate();
        }
        assertThat(postAuthed("/api/v1/me/passkeys/registration-options", tokens, Map.of()).statusCode()).isEqualTo(401);
        assertThat(postAuthed("/api/v1/auth/step-up", tokens, Map.of("password", STRONG_PASSWORD)).statusCode())
                .as("with a second factor enrolled, the password alone is not enough").isEqualTo(401);
        assertThat(postAuthed("/api/v1/auth/step-up/passkey", tokens, assertion()).statusCode()).isEqualTo(204);
        assertThat(postAuthed("/api/v1/me/passkeys/registration-options", tokens, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aTamperedOrUnknownAssertionIsRefused() {
        assertThat(register(tokens).statusCode()).isEqualTo(201);
        Map<String, String> tampered = new java.util.HashMap<>(assertion());
        byte[] signature = D64.decode(tampered.get("signature"));
        signature[signature.length - 1] ^= 0x01;
        tampered.put("signature", B64.encodeToString(signature));
        assertThat(postJson("/api/v1/auth/passkey", tampered).statusCode()).isEqualTo(401);

        Map<String, String> unknown = new java.util.HashMap<>(assertion());
        unknown.put("credentialId", B64.encodeToString(new byte[32]));
        assertThat(postJson("/api/v1/auth/passkey", unknown).statusCode()).isEqualTo(401);
        assertThat(postJson("/api/v1/auth/passkey", Map.of("credentialId", "%%%", "clientDataJSON", "x", "authenticatorData", "x",
                "signature", "x")).statusCode()).isEqualTo(400);
    }

    @Test
    void registeringNeedsAFreshFactorAndAPendingChallenge() throws Exception {
        HttpResponse<String> forged = postAuthed("/api/v1/me/passkeys", tokens, Map.of(
                "clientDataJSON", B64.encodeToString("{\"type\":\"webauthn.create\",\"challenge\":\"AAAA\",\"origin\":\"http://localhost:8080\"}".getBytes()),
                "attestationObject", B64.encodeToString(new byte[] {(byte) 0xa0})));
        assertThat(forged.statusCode()).isEqualTo(400);
        try (Connection c = connectAs("postgres"); PreparedStatement ps = c.prepareStatement(
                "UPDATE bulwark.sessions SET factor_verified_at = now() - interval '11 minutes' WHERE user_id = "
                        + "?")) {
            ps.setObject(1, userIdOf(email));
            ps.executeUpdate();
        }
        HttpResponse<String> refused = postAuthed("/api/v1/me/passkeys/registration-options", tokens, Map.of());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(body(refused).get("type").asString()).endsWith("/step-up-required");
    }

    // --- helpers

    /** A software authenticator of its own (the emulator's shared static one would mix every test's keys). */
    private static ClientPlatform newAuthenticator() {
        ClientPlatform platform = EmulatorUtil.createClientPlatform(new PackedAuthenticator());
        platform.setOrigin(new Origin("http://localhost:8080"));
        return platform;
    }

    private HttpResponse<String> register(JsonNode as) {
        return registerWith(authenticator, email, as);
    }

    private HttpResponse<String> registerWith(ClientPlatform authenticator, String email, JsonNode as) {
        JsonNode options = body(postAuthed("/api/v1/me/passkeys/registration-options", as, Map.of()));
        PublicKeyCredentialCreationOptions creation = new PublicKeyCredentialCreationOptions(
                new PublicKeyCredentialRpEntity(options.get("rp").get("id").asString(), options.get("rp").get("name").asString()),
                new PublicKeyCredentialUserEntity(D64.decode(options.get("user").get("id").asString()), email, email),
                new DefaultChallenge(D64.decode(options.get("challenge").asString())),
                List.of(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256)),
                60_000L, List.of(),
                new AuthenticatorSelectionCriteria(null, ResidentKeyRequirement.REQUIRED, UserVerificationRequirement.REQUIRED),
                AttestationConveyancePreference.DIRECT, null);
        PublicKeyCredential<AuthenticatorAttestationResponse, ?> credential = authenticator.create(creation);
        return postAuthed("/api/v1/me/passkeys", as, Map.of(
                "clientDataJSON", B64.encodeToString(credential.getResponse().getClientDataJSON()),
                "attestationObject", B64.encodeToString(credential.getResponse().getAttestationObject()),
                "name", "Test key"));
    }

    private Map<String, String> assertion() {
        return assertionWith(authenticator);
    }

    private Map<String, String> assertionWith(ClientPlatform authenticator) {
        JsonNode options = body(postJson("/api/v1/auth/passkey/options", "{}"));
        PublicKeyCredentialRequestOptions request = new PublicKeyCredentialRequestOptions(
                new DefaultChallenge(D64.decode(options.get("challenge").asString())), 60_000L, options.get("rpId").asString(),
                null, UserVerificationRequirement.REQUIRED, null);
        PublicKeyCredential<AuthenticatorAssertionResponse, ?> assertion = authenticator.get(request);
        return Map.of("credentialId", B64.encodeToString(assertion.getRawId()),
                "clientDataJSON", B64.encodeToString(assertion.getResponse().getClientDataJSON()),
                "authenticatorData", B64.encodeToString(assertion.getResponse().getAuthenticatorData()),
                "signature", B64.encodeToString(assertion.getResponse().getSignature()));
    }

    private HttpResponse<String> postAuthed(String path, JsonNode as, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer(as)[1]).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
    }
}
