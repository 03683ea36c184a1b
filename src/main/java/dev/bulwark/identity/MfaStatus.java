package dev.bulwark.identity;

import java.time.Instant;

import dev.bulwark.identity.internal.TotpSelfTests;
import org.springframework.stereotype.Component;

/** What the trust center reads of the second factors: the authenticator-app factor exercised live, and the passkey relying party. */
@Component
public class MfaStatus {

    /** The authenticator-app factor, exercised: every field true when it works as a sign-in relies on it. */
    public record TotpSelfTest(boolean rfcVector, boolean currentCodeAccepted, boolean replayRefused, boolean wrongCodeRefused) {

        public boolean passed() {
            return rfcVector && currentCodeAccepted && replayRefused && wrongCodeRefused;
        }
    }

    private final PasskeyProperties passkeys;

    MfaStatus(PasskeyProperties passkeys) {
        this.passkeys = passkeys;
    }

    public TotpSelfTest totp() {
        return TotpSelfTests.run(Instant.now());
    }

    public PasskeyProperties passkeys() {
        return passkeys;
    }
}
