package dev.bulwark.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.audit.AuditType;
import dev.bulwark.identity.AuthProperties;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.LoginResult;
import dev.bulwark.identity.MfaChallenge;
import dev.bulwark.identity.Profile;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.shared.StepUpRequiredException;
import dev.bulwark.shared.Tokens;
import dev.bulwark.shared.TooManyRequestsException;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.bulwark.identity.internal.SecurityEvents.FACTOR;
import static dev.bulwark.identity.internal.SecurityEvents.LOCK_SECONDS;
import static dev.bulwark.identity.internal.SecurityEvents.METHOD;
import static dev.bulwark.identity.internal.SecurityEvents.OTHER_SESSIONS_ENDED;
import static dev.bulwark.identity.internal.SecurityEvents.REASON;
import static dev.bulwark.identity.internal.SecurityEvents.SECOND_FACTOR;
import static dev.bulwark.identity.internal.SecurityEvents.SESSION_ID;

/**
 * Sign-in, refresh-token rotation, logout and session management. Every failure answers the same generic 401;
 * the events and counters a failure causes are committed before it is answered.
 */
@Service
public class AuthService implements dev.bulwark.identity.PasswordSignIn {

    static final String INVALID_CREDENTIALS = "The email or password is not correct.";
    static final String INVALID_TOKEN = "The token is not valid.";
    private static final Duration MFA_CHALLENGE_TTL = Duration.ofMinutes(5);
    private static final int MFA_ATTEMPTS = 5;

    private final Users users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final SessionStore sessions;
    private final AccessTokens accessTokens;
    private final SecurityEvents events;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final AuthProperties properties;
    private final SecondFactors factors;
    private final MailOutbox outbox;
    private final SsoGate ssoGate;
    // Verified when the email is unknown, so both answers take the time of one Argon2id verification.
    private final String dummyHash;

    AuthService(Users users, PasswordEncoder passwords, LoginThrottle throttle, SessionStore sessions,
                AccessTokens accessTokens, SecurityEvents events, TenantScope tenantScope, TransactionTemplate transactions,
                AuthProperties properties, SecondFactors factors, MailOutbox outbox, SsoGate ssoGate) {
        this.ssoGate = ssoGate;
        this.factors = factors;
        this.outbox = outbox;
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
        this.events = events;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.properties = properties;
        this.dummyHash = passwords.encode(Tokens.issue(Tokens.Type.PASSWORD_RESET).value());
    }

    @Override
    public LoginResult login(String email, String password, ClientInfo client) {
        // An address of a domain whose organisation enforces single sign-on never signs in by password (docs/sso.md).
        ssoGate.refuseEnforced(email);
        Instant now = now();
        Optional<Users.Credentials> account = users.credentialsByEmail(email);
        Optional<Duration> locked = throttle.lockedFor(email, now);
        if (locked.isPresent()) {
            transactions.executeWithoutResult(s -> failed(account, client, "locked"));
            throw new TooManyRequestsException("Too many failed sign-ins for this email. Try again later.", locked.get());
        }
        // An account made by single sign-on has no password: the dummy is verified instead, and nothing matches.
        boolean hasPassword = account.map(Users.Credentials::passwordHash).isPresent();
        boolean matches = passwords.matches(password, account.map(Users.Credentials::passwordHash).orElse(dummyHash)) && hasPassword;
        if (!matches || account.isEmpty()) {
            transactions.executeWithoutResult(s -> {
                failed(account, client, "bad_credentials");
                throttle.recordFailure(email, now).ifPresent(l -> {
                    Map<String, Object> details = Map.of(LOCK_SECONDS, l.toSeconds());
                    account.ifPresentOrElse(a -> {
                        events.userEvent(AuditType.ACCOUNT_LOCKED, a.id(), client, details);
                        // To the address stored with the account, never the one typed.
                        users.profile(a.id()).ifPresent(p -> outbox.mail(p.email(), "Sign-in to your Bulwark account is paused", """
                                There were several failed attempts to sign in to your account, so sign-in is paused for %d minutes.
                                If this was not you, someone may be guessing your password: consider changing it and enabling
                                two-factor authentication.
                                """.formatted(Math.max(1, l.toMinutes()))));
                    }, () -> events.anonymousEvent(AuditType.ACCOUNT_LOCKED, client, details));
                });
            });
            throw new UnauthenticatedException(INVALID_CREDENTIALS);
        }
        UUID userId = account.get().id();
        if (tenantScope.asUser(userId, () -> factors.anyEnabled(userId))) {
            // The email's failure count stays until the second factor is right too.
            Tokens.Issued challenge = Tokens.issue(Tokens.Type.MFA_CHALLENGE);
            transactions.executeWithoutResult(s -> sessions.addChallenge(challenge.hash(), userId, now.plus(MFA_CHALLENGE_TTL)));
            return new MfaChallenge(true, challenge.value());
        }
        return transactions.execute(s -> {
            throttle.recordSuccess(email);
            TokenPair pair = tenantScope.asUser(userId, () -> openSession(userId, now, client));
            events.userEvent(AuditType.LOGIN_SUCCEEDED, userId, client, Map.of());
            return pair;
        });
    }

    /**
     * The second step of a sign-in: a TOTP code or an unused recovery code for the challenge. Wrong codes count
     * like wrong passwords (same lock, same event); a challenge allows five attempts and five minutes.
     */
    public TokenPair loginMfa(String mfaToken, String code, ClientInfo client) {
        return completeMfa(mfaToken, (userId, now) -> factors.verify(userId, code, now), client);
    }

    /**
     * Completes a sign-in's second step with {@code verifier}, which answers the factor used for the challenge's
     * user, or null when the proof fails. Shared by codes and passkeys.
     */
    TokenPair completeMfa(String mfaToken, java.util.function.BiFunction<UUID, Instant, String> verifier, ClientInfo client) {
        if (!Tokens.wellFormed(Tokens.Type.MFA_CHALLENGE, mfaToken)) {
            throw new UnauthenticatedException(INVALID_TOKEN);
        }
        byte[] hash = Tokens.hash(mfaToken);
        Instant now = now();
        record Checked(UUID userId, String email, boolean passed, String factor) {
        }
        Checked checked = transactions.execute(s -> {
            SessionStore.Challenge challenge = sessions.lockChallenge(hash).orElse(null);
            if (challenge == null) {
                return null;
            }
            if (!now.isBefore(challenge.expiresAt()) || challenge.attempts() >= MFA_ATTEMPTS) {
                sessions.removeChallenge(hash);
                return null;
            }
            String email = users.profile(challenge.userId()).map(Profile::email).orElseThrow();
            if (throttle.lockedFor(email, now).isPresent()) {
                return new Checked(challenge.userId(), email, false, "locked");
            }
            String factor = tenantScope.asUser(challenge.userId(), () -> verifier.apply(challenge.userId(), now));
            return new Checked(challenge.userId(), email, factor != null, factor);
        });
        if (checked == null) {
            throw new UnauthenticatedException(INVALID_TOKEN);
        }
        if ("locked".equals(checked.factor())) {
            Duration lock = throttle.lockedFor(checked.email(), now).orElse(Duration.ofSeconds(1));
            throw new TooManyRequestsException("Too many failed sign-ins for this email. Try again later.", lock);
        }
        if (!checked.passed()) {
            transactions.executeWithoutResult(s -> {
                sessions.countChallengeAttempt(hash);
                events.userEvent(AuditType.LOGIN_FAILED, checked.userId(), client, Map.of(REASON, "bad_second_factor"));
                throttle.recordFailure(checked.email(), now).ifPresent(lock ->
                        events.userEvent(AuditType.ACCOUNT_LOCKED, checked.userId(), client, Map.of(LOCK_SECONDS, lock.toSeconds())));
            });
            throw new UnauthenticatedException("The code is not correct.");
        }
        return transactions.execute(s -> {
            sessions.removeChallenge(hash);
            throttle.recordSuccess(checked.email());
            TokenPair pair = tenantScope.asUser(checked.userId(), () -> openSession(checked.userId(), now, client));
            events.userEvent(AuditType.LOGIN_SUCCEEDED, checked.userId(), client, Map.of(SECOND_FACTOR, checked.factor()));
            return pair;
        });
    }

    /** Step-up proven by a factor that is two factors on its own (a passkey with user verification). */
    void stepUpVerified(UUID userId, UUID sessionId, ClientInfo client, String factor) {
        Instant now = now();
        transactions.executeWithoutResult(s -> {
            tenantScope.asUser(userId, () -> {
                sessions.markFactorVerified(userId, sessionId, now);
                return null;
            });
            events.userEvent(AuditType.STEP_UP_SUCCEEDED, userId, client, Map.of(METHOD, factor));
        });
    }

    /** Opens a session for a user whose sign-in was verified by a factor other than the password (a passkey). */
    TokenPair signInWithVerifiedFactor(UUID userId, ClientInfo client, String factor) {
        Instant now = now();
        String email = users.profile(userId).map(Profile::email).orElseThrow();
        return transactions.execute(s -> {
            throttle.recordSuccess(email);
            TokenPair pair = tenantScope.asUser(userId, () -> openSession(userId, now, client));
            events.userEvent(AuditType.LOGIN_SUCCEEDED, userId, client, Map.of(METHOD, factor));
            return pair;
        });
    }

    /**
     * Opens a session for a user an identity provider signed in (single sign-on). The session has verified a factor
     * for step-up only when {@code factorVerified} (the provider asserted multi-factor authentication); otherwise its
     * factor time is left at the epoch, so the first sensitive action asks for step-up.
     */
    TokenPair signInExternally(UUID userId, ClientInfo client, String method, boolean factorVerified) {
        Instant now = now();
        return transactions.execute(s -> {
            TokenPair pair = tenantScope.asUser(userId, () -> {
                UUID sessionId = Ids.newId();
                Instant expires = now.plus(properties.sessionAbsoluteTtl());
                Instant idle = min(now.plus(properties.sessionIdleTtl()), expires);
                sessions.create(userId, sessionId, now, idle, expires, client);
                if (!factorVerified) {
                    sessions.markFactorVerified(userId, sessionId, Instant.EPOCH);
                }
                return pair(userId, sessionId, now, idle);
            });
            events.userEvent(AuditType.LOGIN_SUCCEEDED, userId, client, Map.of(METHOD, method));
            return pair;
        });
    }

    /** Starts TOTP enrolment (needs step-up and a verified address); returns the seed once. */
    public String startTotp(UUID userId, UUID sessionId) {
        requireVerifiedEmail(userId);
        requireRecentFactor(userId, sessionId);
        return tenantScope.asUser(userId, () -> {
            if (factors.totpEnabled(userId)) {
                throw new ConflictException("An authenticator is already enrolled.");
            }
            return factors.startTotp(userId, now());
        });
    }

    /**
     * Confirms TOTP with a first code: the factor is on, ten recovery codes are returned (once), and every other
     * session of the user ends, as after any change of factors.
     */
    public List<String> confirmTotp(UUID userId, UUID sessionId, String code, ClientInfo client) {
        requireVerifiedEmail(userId);
        requireRecentFactor(userId, sessionId);
        Instant now = now();
        return tenantScope.asUser(userId, () -> {
            if (!factors.confirmTotp(userId, code, now)) {
                throw new InvalidInputException("code", "does not match the authenticator; check its clock and try the next code");
            }
            List<String> codes = factors.newRecoveryCodes(userId, now);
            int ended = sessions.revokeOthers(userId, sessionId, "factor_changed", now);
            events.userEvent(AuditType.MFA_ENABLED, userId, client, Map.of(FACTOR, "totp", OTHER_SESSIONS_ENDED, ended));
            return codes;
        });
    }

    /**
     * Refuses (403 email-unverified) an account that has not proven its address: a second factor planted on an account
     * signed up with someone else's address would lock its real owner out (pre-account-takeover).
     */
    void requireVerifiedEmail(UUID userId) {
        if (!users.profile(userId).map(Profile::emailVerified).orElse(false)) {
            throw RefusedException.emailUnverified();
        }
    }

    private void failed(Optional<Users.Credentials> account, ClientInfo client, String reason) {
        Map<String, Object> details = Map.of(REASON, reason);
        account.ifPresentOrElse(a -> events.userEvent(AuditType.LOGIN_FAILED, a.id(), client, details),
                () -> events.anonymousEvent(AuditType.LOGIN_FAILED, client, details));
    }

    private TokenPair openSession(UUID userId, Instant now, ClientInfo client) {
        UUID sessionId = Ids.newId();
        Instant expires = now.plus(properties.sessionAbsoluteTtl());
        Instant idle = min(now.plus(properties.sessionIdleTtl()), expires);
        sessions.create(userId, sessionId, now, idle, expires, client);
        return pair(userId, sessionId, now, idle);
    }

    private TokenPair pair(UUID userId, UUID sessionId, Instant now, Instant refreshExpires) {
        Tokens.Issued refresh = Tokens.issue(Tokens.Type.REFRESH);
        sessions.addRefreshToken(userId, sessionId, refresh, now, refreshExpires);
        return new TokenPair(accessTokens.issue(userId, sessionId, now), refresh.value(), "Bearer", accessTokens.lifetimeSeconds());
    }

    private sealed interface RefreshOutcome {
        record Rotated(TokenPair pair) implements RefreshOutcome {
        }

        record Refused() implements RefreshOutcome {
        }
    }

    /**
     * Rotates a refresh token. A token presented a second time means it was copied: the whole session is revoked
     * (its newest tokens too) and {@code auth.token.reuse_detected} recorded — committed, then answered 401.
     */
    public TokenPair refresh(String token, ClientInfo client) {
        if (!Tokens.wellFormed(Tokens.Type.REFRESH, token)) {
            throw new UnauthenticatedException(INVALID_TOKEN);
        }
        byte[] hash = Tokens.hash(token);
        UUID userId = sessions.ownerOfRefreshToken(hash).orElseThrow(() -> new UnauthenticatedException(INVALID_TOKEN));
        Instant now = now();
        RefreshOutcome outcome = tenantScope.asUser(userId, () -> {
            Optional<SessionStore.RefreshToken> presented = sessions.lockRefreshToken(userId, hash);
            if (presented.isEmpty()) {
                return new RefreshOutcome.Refused();
            }
            SessionStore.RefreshToken row = presented.get();
            Optional<SessionStore.Session> session = sessions.find(userId, row.sessionId(), true);
            if (session.isEmpty()) {
                return new RefreshOutcome.Refused();
            }
            if (row.spentAt() != null) {
                if (sessions.revoke(userId, row.sessionId(), "token_reuse", now)) {
                    events.userEvent(AuditType.TOKEN_REUSE_DETECTED, userId, client, Map.of(SESSION_ID, row.sessionId().toString()));
                }
                return new RefreshOutcome.Refused();
            }
            if (!session.get().activeAt(now) || !now.isBefore(row.expiresAt())) {
                return new RefreshOutcome.Refused();
            }
            sessions.spend(userId, hash, now);
            Instant idle = min(now.plus(properties.sessionIdleTtl()), session.get().expiresAt());
            sessions.touch(userId, row.sessionId(), now, idle, client);
            return new RefreshOutcome.Rotated(pair(userId, row.sessionId(), now, idle));
        });
        if (outcome instanceof RefreshOutcome.Rotated rotated) {
            return rotated.pair();
        }
        throw new UnauthenticatedException(INVALID_TOKEN);
    }

    /**
     * Throws {@link StepUpRequiredException} unless this session verified a factor within the step-up window.
     * Sensitive actions call it before they change anything.
     */
    public void requireRecentFactor(UUID userId, UUID sessionId) {
        requireRecentFactor(userId, sessionId, properties.stepUpWindow());
    }

    /** The same, with an organisation's own step-up window. */
    public void requireRecentFactor(UUID userId, UUID sessionId, Duration window) {
        Instant now = now();
        boolean recent = tenantScope.asUser(userId, () -> sessions.find(userId, sessionId, false)
                .map(s -> s.factorVerifiedAt().plus(window).isAfter(now))
                .orElse(false));
        if (!recent) {
            throw new StepUpRequiredException();
        }
    }

    /**
     * Step-up: the password again (and, once second factors exist, the second factor) makes the session fresh for
     * the step-up window. A wrong password is a failed sign-in: same answer, same counter, same event.
     */
    public void stepUp(UUID userId, UUID sessionId, String password, String code, ClientInfo client) {
        Instant now = now();
        String hash = users.passwordHash(userId).orElseThrow(() -> new UnauthenticatedException(INVALID_TOKEN));
        String email = users.profile(userId).map(Profile::email).orElseThrow();
        Optional<Duration> locked = throttle.lockedFor(email, now);
        if (locked.isPresent()) {
            throw new TooManyRequestsException("Too many failed attempts for this account. Try again later.", locked.get());
        }
        boolean passed = passwords.matches(password, hash) && transactions.execute(s -> tenantScope.asUser(userId,
                () -> !factors.anyEnabled(userId) || factors.verify(userId, code, now) != null));
        if (!passed) {
            transactions.executeWithoutResult(s -> {
                events.userEvent(AuditType.STEP_UP_FAILED, userId, client, Map.of());
                throttle.recordFailure(email, now)
                        .ifPresent(lock -> events.userEvent(AuditType.ACCOUNT_LOCKED, userId, client, Map.of(LOCK_SECONDS, lock.toSeconds())));
            });
            throw new UnauthenticatedException(INVALID_CREDENTIALS);
        }
        transactions.executeWithoutResult(s -> {
            throttle.recordSuccess(email);
            tenantScope.asUser(userId, () -> {
                sessions.markFactorVerified(userId, sessionId, now);
                return null;
            });
            events.userEvent(AuditType.STEP_UP_SUCCEEDED, userId, client, Map.of());
        });
    }

    /** Ends the session the access token belongs to: its refresh and access tokens stop working at once. */
    public void logout(UUID userId, UUID sessionId, ClientInfo client) {
        tenantScope.asUser(userId, () -> {
            if (sessions.revoke(userId, sessionId, "logout", now())) {
                events.userEvent(AuditType.LOGOUT, userId, client, Map.of(SESSION_ID, sessionId.toString()));
            }
            return null;
        });
    }

    /** Ends one of the caller's own sessions; another user's session id is simply not found. */
    public void revokeSession(UUID userId, UUID sessionId, ClientInfo client) {
        tenantScope.asUser(userId, () -> {
            Instant now = now();
            if (sessions.find(userId, sessionId, true).filter(s -> s.activeAt(now)).isEmpty()) {
                throw new NotFoundException("There is no such session.");
            }
            sessions.revoke(userId, sessionId, "user", now);
            events.userEvent(AuditType.SESSION_REVOKED, userId, client, Map.of(SESSION_ID, sessionId.toString()));
            return null;
        });
    }

    /** A session as its owner may see it. */
    public record SessionView(UUID id, Instant createdAt, Instant lastUsedAt, String ip, String userAgent, boolean current) {
    }

    public Page<SessionView> sessions(UUID userId, UUID currentSessionId, PageRequest request) {
        Page<SessionStore.Session> page = tenantScope.asUser(userId, () -> sessions.active(userId, now(), request));
        return new Page<>(page.items().stream()
                .map(s -> new SessionView(s.id(), s.createdAt(), s.lastUsedAt(), s.ip(), s.userAgent(), s.id().equals(currentSessionId)))
                .toList(), page.nextCursor());
    }

    /** True while the session is neither revoked nor expired. */
    public boolean sessionActive(UUID userId, UUID sessionId) {
        return sessionDeadline(userId, sessionId).isPresent();
    }

    /** When an active session stops being valid on its own (idle or absolute), or empty when it is not active. */
    Optional<Instant> sessionDeadline(UUID userId, UUID sessionId) {
        Instant now = now();
        return tenantScope.asUser(userId, () -> sessions.find(userId, sessionId, false)
                .filter(s -> s.activeAt(now))
                .map(s -> min(s.expiresAt(), s.idleExpiresAt())));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
