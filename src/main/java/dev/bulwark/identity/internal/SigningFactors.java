package dev.bulwark.identity.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.identity.SignerFactors;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link SignerFactors} over the account's password hash, its second factors and its passkeys. */
@Component
class SigningFactors implements SignerFactors {

    private final Users users;
    private final PasswordEncoder passwords;
    private final SecondFactors factors;
    private final Passkeys passkeys;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;

    SigningFactors(Users users, PasswordEncoder passwords, SecondFactors factors, Passkeys passkeys, TenantScope tenantScope,
                   TransactionTemplate transactions) {
        this.users = users;
        this.passwords = passwords;
        this.factors = factors;
        this.passkeys = passkeys;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
    }

    @Override
    public boolean passwordMatches(UUID userId, String password) {
        return password != null && users.passwordHash(userId).map(hash -> passwords.matches(password, hash)).orElse(false);
    }

    @Override
    public Optional<String> secondFactor(UUID userId, String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Optional.ofNullable(transactions.execute(s -> tenantScope.asUser(userId, () -> factors.verify(userId, code, now))));
    }

    @Override
    public Optional<VerifiedPasskey> passkey(UUID userId, byte[] challenge, byte[] credentialId, byte[] clientDataJson,
                                             byte[] authenticatorData, byte[] signature) {
        return passkeys.verifyForSigning(userId, challenge, credentialId, clientDataJson, authenticatorData, signature);
    }
}
