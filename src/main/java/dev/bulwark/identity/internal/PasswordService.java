package dev.bulwark.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.AuditType;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.Profile;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.bulwark.identity.internal.SecurityEvents.OTHER_SESSIONS_ENDED;
import static dev.bulwark.identity.internal.SecurityEvents.SESSIONS_ENDED;

/**
 * Changing a password (the current one, plus step-up) and resetting a forgotten one by a mailed single-use link
 * (30 minutes). Either ends the user's other sessions. A reset signs nobody in, so it never bypasses a second factor.
 */
@Service
public class PasswordService {

    private static final Duration RESET_LIFETIME = Duration.ofMinutes(30);

    private final Users users;
    private final PasswordEncoder encoder;
    private final PasswordPolicy policy;
    private final AuthService auth;
    private final SessionStore sessions;
    private final UserTokens userTokens;
    private final SecurityEvents events;
    private final MailOutbox outbox;
    private final Reclaims reclaims;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final SsoGate ssoGate;

    PasswordService(Users users, PasswordEncoder encoder, PasswordPolicy policy, AuthService auth, SessionStore sessions,
                    UserTokens userTokens, SecurityEvents events, MailOutbox outbox, TenantScope tenantScope,
                    TransactionTemplate transactions, Reclaims reclaims, SsoGate ssoGate) {
        this.ssoGate = ssoGate;
        this.users = users;
        this.encoder = encoder;
        this.policy = policy;
        this.auth = auth;
        this.sessions = sessions;
        this.userTokens = userTokens;
        this.events = events;
        this.outbox = outbox;
        this.reclaims = reclaims;
        outbox.handle(MailOutbox.PASSWORD_RESET, this::resolveReset);
        this.tenantScope = tenantScope;
        this.transactions = transactions;
    }

    public void change(UUID userId, UUID sessionId, String current, String next, ClientInfo client) {
        auth.requireRecentFactor(userId, sessionId);
        Profile profile = users.profile(userId).orElseThrow();
        if (!encoder.matches(current, users.passwordHash(userId).orElseThrow())) {
            throw new UnauthenticatedException(AuthService.INVALID_CREDENTIALS);
        }
        String hash = acceptable(next, profile);
        Instant now = now();
        transactions.executeWithoutResult(s -> {
            users.setPasswordHash(userId, hash);
            int ended = tenantScope.asUser(userId, () -> sessions.revokeOthers(userId, sessionId, "password_changed", now));
            events.userEvent(AuditType.PASSWORD_CHANGED, userId, client, Map.of(OTHER_SESSIONS_ENDED, ended));
            outbox.mail(profile.email(), "Your Bulwark password was changed",
                    "Your password was just changed, and your other sessions were signed out. If this was not you, reset it now.\n");
        });
    }

    /**
     * Always answers the same, in the same time, whether or not the email has an account: the request is queued as it
     * is (one row either way) and resolved after the answer by {@link #resolveReset}.
     */
    public void requestReset(String email, ClientInfo client) {
        // Single sign-on replaces the password of an enforcing organisation's domains: no reset (docs/sso.md).
        ssoGate.refuseEnforced(email);
        Map<String, String> request = new HashMap<>();
        request.put("email", email);
        if (client != null) {
            putIfPresent(request, "ip", client.ip());
            putIfPresent(request, "userAgent", client.userAgent());
            putIfPresent(request, "requestId", client.requestId());
        }
        outbox.enqueue(MailOutbox.PASSWORD_RESET, request);
    }

    /**
     * A queued reset request, in the outbox's transaction: for an account, a token (retiring any older one), its event
     * and a mail to the address stored with the account, never to the address as typed; for no account, nothing.
     */
    private void resolveReset(Map<String, String> request, Instant now) {
        users.credentialsByEmail(request.get("email")).ifPresent(account -> {
            Profile profile = users.profile(account.id()).orElseThrow();
            String token = userTokens.issue(account.id(), UserTokens.Purpose.PASSWORD_RESET, RESET_LIFETIME, now);
            ClientInfo client = new ClientInfo(request.get("ip"), request.get("userAgent"), request.get("requestId"));
            events.userEvent(AuditType.PASSWORD_RESET_REQUESTED, account.id(), client, Map.of());
            outbox.mail(profile.email(), "Reset your Bulwark password", """
                    Someone asked to reset the password of this account. To choose a new one within 30 minutes, use:

                    %s

                    The token works once. If you did not ask, ignore this mail: your password stays as it is.
                    """.formatted(token));
        });
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    public void confirmReset(String token, String next, ClientInfo client) {
        Instant now = now();
        transactions.executeWithoutResult(s -> {
            UUID userId = userTokens.consume(token, UserTokens.Purpose.PASSWORD_RESET, now)
                    .orElseThrow(() -> new NotFoundException("This reset token is not valid, already used, or expired."));
            Profile profile = users.profile(userId).orElseThrow();
            // A token mailed before the organisation enforced single sign-on sets no password either (rolled back).
            ssoGate.refuseEnforced(profile.email());
            users.setPasswordHash(userId, acceptable(next, profile));
            // The token proves control of the mailbox; its use ends every session.
            int ended = tenantScope.asUser(userId, () -> sessions.revokeOthers(userId, new UUID(0, 0), "password_changed", now));
            Map<String, Object> details = new HashMap<>(Map.of(SESSIONS_ENDED, ended));
            if (!profile.emailVerified()) {
                // Nobody had proven this address: whatever was set up on the account was set up by someone who may not
                // own it (a pre-hijacking attacker). The owner takes it back bare.
                details.putAll(reclaims.reclaim(userId, client, now));
            }
            users.markEmailVerified(userId, now);
            events.userEvent(AuditType.PASSWORD_RESET, userId, client, details);
        });
    }

    private String acceptable(String password, Profile profile) {
        policy.refusal(password, List.of(profile.email(), profile.name())).ifPresent(reason -> {
            throw new InvalidInputException("newPassword", reason);
        });
        return encoder.encode(password);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
