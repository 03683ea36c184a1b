package dev.bulwark.identity;

/**
 * Single sign-on that an organisation enforces, as identity needs it: implemented by the sso module, which owns the
 * organisations' domains. Password sign-in, password reset and sign-up by invitation ask it about the address given
 * (docs/sso.md#enforcement).
 */
public interface SsoEnforcement {

    /** Whether {@code email} belongs to a verified domain of an organisation that enforces single sign-on. */
    boolean enforcedFor(String email);

    /** The problem every refused path answers: 403 {@code sso-required}. */
    static dev.bulwark.shared.RefusedException refusal() {
        return new dev.bulwark.shared.RefusedException(403, "sso-required", "Single sign-on required",
                "This address belongs to an organisation that signs its people in through its identity provider: use single sign-on.");
    }
}
