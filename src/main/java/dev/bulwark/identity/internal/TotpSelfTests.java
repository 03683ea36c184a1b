package dev.bulwark.identity.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

import dev.bulwark.identity.MfaStatus;
import org.apache.commons.codec.binary.Base32;

/** The authenticator-app factor exercised as a sign-in would use it, for the trust center (identity/MfaStatus). */
public final class TotpSelfTests {

    private TotpSelfTests() {
    }

    /**
     * RFC 6238's first SHA-1 vector (59 s, 8 digits), then a fresh secret: its current code accepted, the same code
     * refused the second time, and a wrong code refused.
     */
    public static MfaStatus.TotpSelfTest run(Instant now) {
        boolean vector = Totp.code("12345678901234567890".getBytes(StandardCharsets.US_ASCII), 1, 8, "HmacSHA1").equals("94287082");
        String secret = Totp.newSecret();
        String code = Totp.code(new Base32().decode(secret), Totp.step(now), Totp.DIGITS, "HmacSHA1");
        OptionalLong accepted = Totp.matchingStep(secret, code, now, 0);
        boolean replayRefused = accepted.isPresent() && Totp.matchingStep(secret, code, now, accepted.getAsLong()).isEmpty();
        String wrong = String.format("%06d", (Integer.parseInt(code) + 500_000) % 1_000_000);
        boolean wrongRefused = Totp.matchingStep(secret, wrong, now, 0).isEmpty();
        return new MfaStatus.TotpSelfTest(vector, accepted.isPresent(), replayRefused, wrongRefused);
    }
}
