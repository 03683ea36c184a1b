package dev.bulwark.identity;

/**
 * Password sign-in as other modules may exercise it: the trust center's live probe that an organisation enforcing
 * single sign-on refuses passwords (sso/SsoProbe). Implemented by identity's sign-in service; the same path as
 * {@code POST /api/v1/auth/login}.
 */
public interface PasswordSignIn {

    LoginResult login(String email, String password, ClientInfo client);
}
