package dev.bulwark.identity;

/** The password was right and a second factor is enrolled: answer {@code mfaToken} with a code at /auth/login/mfa. */
public record MfaChallenge(boolean mfaRequired, String mfaToken) implements LoginResult {

    @Override
    public String toString() {
        return "MfaChallenge[…]";
    }
}
