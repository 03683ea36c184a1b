package dev.bulwark.identity.internal;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.ExternalSignIn;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import org.springframework.stereotype.Service;

/** Accounts and sessions for sign-ins an identity provider proved ({@link ExternalSignIn}). */
@Service
class ExternalAccounts implements ExternalSignIn {

    private final Users users;
    private final AuthService auth;

    ExternalAccounts(Users users, AuthService auth) {
        this.users = users;
        this.auth = auth;
    }

    @Override
    public Optional<UUID> accountOf(String email) {
        return users.credentialsByEmail(email).map(Users.Credentials::id);
    }

    @Override
    public UUID createWithoutPassword(String email, String name, boolean emailVerified, Instant now) {
        EmailAddresses.Keys keys = EmailAddresses.of(email)
                .orElseThrow(() -> new InvalidInputException("email", "must be a valid email address"));
        if (users.emailTaken(keys)) {
            throw new ConflictException("an account with this email already exists");
        }
        UUID userId = Ids.newId();
        users.insert(userId, keys, email, name, null, now);
        if (emailVerified) {
            users.markEmailVerified(userId, now);
        }
        return userId;
    }

    @Override
    public TokenPair openSession(UUID userId, ClientInfo client, String method, boolean factorVerified) {
        return auth.signInExternally(userId, client, method, factorVerified);
    }
}
