package dev.bulwark.identity;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the identity module: accounts, sessions, factors, sign-in state and mail (docs/architecture.md). */
@Component
public final class IdentityTables extends ModuleTables {

    public IdentityTables() {
        super("identity", Set.of("organisations", "memberships", "invitations"),
                Table.global("users",
                        "registry of accounts: sign-in finds a user by the blind index of their email before any tenant is bound"
                                + " (email and name stored encrypted)")
                        .sealed("id", null, List.of("email", "name"), List.of("email", "name")),
                Table.global("refresh_token_index",
                        "refresh-token hash to user: a refresh finds its user before any user is bound (hashes, ids)"),
                Table.global("login_throttle",
                        "sign-in failures per email hash, known or unknown email alike, before any user is bound"),
                Table.global("mfa_challenges",
                        "pending second sign-in step by token hash: found before any user is bound (hashes, ids, counters)"),
                Table.global("user_tokens",
                        "mailed single-use token hashes (email verification, password reset) to user, found before binding"),
                Table.global("passkey_index",
                        "passkey credential-id hash to user: a passwordless sign-in finds its user before binding (hashes, ids)"),
                Table.global("webauthn_challenges",
                        "one-time WebAuthn challenge hashes, checked before any user is bound (hashes, ids, times)"),
                Table.user("sessions"),
                Table.user("refresh_tokens"),
                Table.user("totp_factors").sealed("user_id", null, List.of("secret"), List.of("secret")),
                Table.user("recovery_codes"),
                Table.user("passkeys"),
                Table.user("signature_certifications"),
                Table.tenant("mail_outbox"));
    }
}
