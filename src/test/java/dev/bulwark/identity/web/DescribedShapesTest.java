package dev.bulwark.identity.web;

import java.net.http.HttpResponse;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers built as maps (the WebAuthn options in identity.internal.Passkeys) or by a library (the JWKS, by Nimbus) are
 * described by records that exist only for the API description: those records must match what is served, field for
 * field (no field served that the record lacks; for the options, none in the record that is not served).
 */
class DescribedShapesTest extends IntegrationTest {

    private ObjectMapper strict() {
        return json.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .build();
    }

    @Test
    void theServedOptionsHaveTheDescribedShape() {
        HttpResponse<String> authentication = postJson("/api/v1/auth/passkey/options", "{}");
        assertThat(authentication.statusCode()).isEqualTo(200);
        var options = strict().readValue(authentication.body(), PasskeyController.PasskeyAuthenticationOptions.class);
        assertThat(options.userVerification()).isEqualTo("required");

        Tenant tenant = newTenant();
        verifyEmail(tenant.owner().email());
        HttpResponse<String> registration = call("POST", "/api/v1/me/passkeys/registration-options", tenant.owner(), "{}");
        assertThat(registration.statusCode()).as(registration.body()).isEqualTo(200);
        var created = strict().readValue(registration.body(), PasskeyController.PasskeyRegistrationOptions.class);
        assertThat(created.user().name()).isEqualTo(tenant.owner().email());
        assertThat(created.pubKeyCredParams()).extracting(PasskeyController.CredentialParameters::alg).containsExactly(-7, -257);
    }

    @Test
    void theServedKeySetHasTheDescribedShape() {
        HttpResponse<String> jwks = get("/.well-known/jwks.json");
        assertThat(jwks.statusCode()).isEqualTo(200);
        var set = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                .readValue(jwks.body(), JwksController.JwkSet.class);
        assertThat(set.keys()).isNotEmpty().allSatisfy(key -> {
            assertThat(key.kty()).isEqualTo("EC");
            assertThat(key.x()).isNotBlank();
            assertThat(key.kid()).isNotBlank();
        });
    }
}
