package dev.bulwark.identity;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.IntegrationTest;
import dev.bulwark.identity.internal.SigningKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way of forging or replaying an access token answers 401, like no token at all. */
class ForgedTokenTest extends IntegrationTest {

    @Autowired
    SigningKeys keys;
    @org.springframework.beans.factory.annotation.Autowired
    dev.bulwark.keys.KeyFiles keyFiles;

    private JsonNode tokens;
    private JWTClaimsSet genuine;

    @BeforeEach
    void signedIn() throws Exception {
        String email = uniqueEmail();
        signUp(email);
        tokens = body(postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD)));
        genuine = SignedJWT.parse(tokens.get("accessToken").asString()).getJWTClaimsSet();
        assertThat(status(tokens.get("accessToken").asString())).isEqualTo(200);
    }

    @Test
    void algNoneIsRefused() {
        String unsigned = new PlainJWT(new PlainHeader(), genuine).serialize();
        assertThat(status(unsigned)).isEqualTo(401);
    }

    @Test
    void hs256KeyedWithOurPublicKeyIsRefused() throws Exception {
        ECKey ours = (ECKey) keys.publicKeys().getKeys().getFirst();
        byte[] publicBytes = ours.toPublicJWK().toECPublicKey().getEncoded();
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ours.getKeyID()).build(), genuine);
        confused.sign(new MACSigner(java.util.Arrays.copyOf(publicBytes, Math.max(32, publicBytes.length))));
        assertThat(status(confused.serialize())).isEqualTo(401);
    }

    @Test
    void tamperedPayloadFailsTheSignature() {
        String[] parts = tokens.get("accessToken").asString().split("\\.");
        String other = Base64.getUrlEncoder().withoutPadding().encodeToString(
                genuine.toString().replace(genuine.getSubject(), "00000000-0000-7000-8000-000000000001").getBytes());
        assertThat(status(parts[0] + "." + other + "." + parts[2])).isEqualTo(401);
    }

    @Test
    void aKeyThatIsNotOursIsRefusedEvenWithOurKid() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(keys.publicKeys().getKeys().getFirst().getKeyID()).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(stranger.getKeyID()).build(), genuine);
        jwt.sign(new ECDSASigner(stranger));
        assertThat(status(jwt.serialize())).isEqualTo(401);
    }

    @Test
    void wrongIssuerIsRefused() throws Exception {
        assertThat(status(signedWithOurKey(c -> c.issuer("https://evil.example")))).isEqualTo(401);
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        assertThat(status(signedWithOurKey(c -> c.audience("another-api")))).isEqualTo(401);
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        assertThat(status(signedWithOurKey(c -> c.issueTime(Date.from(past)).notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plusSeconds(900)))))).isEqualTo(401);
    }

    @Test
    void notYetValidTokenIsRefused() throws Exception {
        Instant future = Instant.now().plusSeconds(600);
        assertThat(status(signedWithOurKey(c -> c.notBeforeTime(Date.from(future))))).isEqualTo(401);
    }

    @Test
    void aTokenWithoutSessionIsRefused() throws Exception {
        assertThat(status(signedWithOurKey(c -> c.claim("sid", null)))).isEqualTo(401);
        assertThat(status(signedWithOurKey(c -> c.claim("sid", "00000000-0000-7000-8000-000000000009")))).isEqualTo(401);
    }

    @Test
    void theControlCaseSignedWithOurKeyPasses() throws Exception {
        // Proves the refusals above come from the one claim each changes, not from the way these tests sign.
        assertThat(status(signedWithOurKey(c -> { }))).isEqualTo(200);
    }

    @Test
    void rotationKeepsOldTokensValidAndSignsNewOnesWithTheNewKey() throws Exception {
        String oldKid = SignedJWT.parse(tokens.get("accessToken").asString()).getHeader().getKeyID();
        keys.rotate();
        assertThat(status(tokens.get("accessToken").asString())).isEqualTo(200);
        JsonNode renewed = body(postJson("/api/v1/auth/refresh", Map.of("refreshToken", tokens.get("refreshToken").asString())));
        String newKid = SignedJWT.parse(renewed.get("accessToken").asString()).getHeader().getKeyID();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(status(renewed.get("accessToken").asString())).isEqualTo(200);
        assertThat(get("/.well-known/jwks.json").body()).contains(oldKid, newKid);
    }

    private String signedWithOurKey(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        // Signs with the real private key, read the way the application stores it.
        var file = DATA_DIR.resolve("keys/jwt-signing.jwks.json");
        String jwks = new String(keyFiles.read(file, SigningKeys.FILE_PURPOSE).content(), java.nio.charset.StandardCharsets.UTF_8);
        ECKey key = (ECKey) com.nimbusds.jose.jwk.JWKSet.parse(jwks).getKeys().getFirst();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder(genuine);
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private int status(String accessToken) {
        return get("/api/v1/me", "Authorization", "Bearer " + accessToken).statusCode();
    }
}
