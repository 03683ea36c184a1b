package dev.bulwark.identity.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;

import dev.bulwark.access.Public;
import dev.bulwark.identity.internal.SigningKeys;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Public: the public keys that verify access tokens, current and recently rotated. Never a private part. */
@RestController
class JwksController {

    /** The key set's shape (RFC 7517), for the API description: Nimbus writes the set itself (DescribedShapesTest). */
    record JwkSet(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Jwk> keys) {
    }

    /** One public EC key (P-256, ES256). */
    record Jwk(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "EC") String kty, @Schema(example = "P-256") String crv,
               String x, String y, String kid, @Schema(example = "sig") String use, @Schema(example = "ES256") String alg,
               @Schema(description = "When the key was made, in seconds since the epoch.") Long iat) {
    }

    private final SigningKeys keys;

    JwksController(SigningKeys keys) {
        this.keys = keys;
    }

    @Operation(summary = "The public keys that verify access tokens (JWKS)")
    @ApiResponse(responseCode = "200", description = "The JSON Web Key Set (RFC 7517): public keys only.",
            content = @Content(mediaType = "application/jwk-set+json", schema = @Schema(implementation = JwkSet.class)))
    @GetMapping(value = "/.well-known/jwks.json", produces = "application/jwk-set+json")
    @Public
    ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
                .body(keys.publicKeys().toJSONObject(true));
    }
}
