package dev.bulwark.identity.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The TOTP core against RFC 6238 Appendix B (SHA-1 seed "12345678901234567890", 8 digits). */
class TotpTest {

    private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({"59,94287082", "1111111109,07081804", "1111111111,14050471", "1234567890,89005924",
            "2000000000,69279037", "20000000000,65353130"})
    void matchesTheRfcVectors(long unixSeconds, String expected) {
        assertThat(Totp.code(RFC_SEED, Totp.step(Instant.ofEpochSecond(unixSeconds)), 8, "HmacSHA1")).isEqualTo(expected);
    }

    @Test
    void acceptsOneStepEitherSideOnlyAndEachStepOnce() {
        String secret = new Base32().encodeAsString(RFC_SEED);
        Instant now = Instant.ofEpochSecond(1111111111);
        long step = Totp.step(now);
        String current = Totp.code(RFC_SEED, step, 6, "HmacSHA1");
        String previous = Totp.code(RFC_SEED, step - 1, 6, "HmacSHA1");
        String tooOld = Totp.code(RFC_SEED, step - 2, 6, "HmacSHA1");
        assertThat(Totp.matchingStep(secret, current, now, 0)).hasValue(step);
        assertThat(Totp.matchingStep(secret, previous, now, 0)).hasValue(step - 1);
        assertThat(Totp.matchingStep(secret, tooOld, now, 0)).isEmpty();
        assertThat(Totp.matchingStep(secret, current, now, step)).as("a used code never again").isEmpty();
        assertThat(Totp.matchingStep(secret, "12345", now, 0)).isEmpty();
        assertThat(Totp.matchingStep(secret, "abcdef", now, 0)).isEmpty();
        assertThat(Totp.matchingStep(secret, null, now, 0)).isEmpty();
    }

    @Test
    void newSecretsCarry160Bits() {
        assertThat(new Base32().decode(Totp.newSecret())).hasSize(20);
        assertThat(Totp.newSecret()).isNotEqualTo(Totp.newSecret());
    }
}
