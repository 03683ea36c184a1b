package dev.bulwark.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.InvitedSignup;
import dev.bulwark.identity.SignupRequest;
import dev.bulwark.identity.SignupResult;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.InvalidInputException.FieldProblem;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.Organisations;
import jakarta.validation.Validator;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Signup: a user, their organisation and their OWNER membership, all in one transaction or none. */
@Service
public class SignupService {

    private static final Duration VERIFICATION_LIFETIME = Duration.ofDays(3);

    private final Validator validator;
    private final PasswordPolicy passwordPolicy;
    private final PasswordEncoder passwordEncoder;
    private final Users users;
    private final Organisations organisations;
    private final TransactionTemplate transactions;
    private final UserTokens userTokens;
    private final AuditLog audit;
    private final MailOutbox outbox;
    private final InvitedSignup invitedSignup;
    private final SsoGate ssoGate;

    SignupService(Validator validator, PasswordPolicy passwordPolicy, PasswordEncoder passwordEncoder, Users users,
                  Organisations organisations, TransactionTemplate transactions, UserTokens userTokens, AuditLog audit,
                  MailOutbox outbox, InvitedSignup invitedSignup, SsoGate ssoGate) {
        this.ssoGate = ssoGate;
        this.invitedSignup = invitedSignup;
        this.userTokens = userTokens;
        this.audit = audit;
        this.outbox = outbox;
        this.validator = validator;
        this.passwordPolicy = passwordPolicy;
        this.passwordEncoder = passwordEncoder;
        this.users = users;
        this.organisations = organisations;
        this.transactions = transactions;
    }

    public SignupResult signUp(SignupRequest request, ClientInfo client) {
        EmailAddresses.Keys keys = validate(request);
        if (request.invitationToken() != null) {
            // Joining an organisation that enforces single sign-on is its IdP's first sign-in, never a password.
            ssoGate.refuseEnforced(request.email());
        }
        // Argon2id is slow by design: hash before the transaction so no connection waits on it.
        String hash = passwordEncoder.encode(request.password());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            return transactions.execute(status -> {
                if (users.emailTaken(keys)) {
                    // The same answer for the address and for any look-alike of it (EmailAddresses).
                    throw new ConflictException("an account with this email already exists");
                }
                UUID userId = Ids.newId();
                users.insert(userId, keys, request.email(), request.name(), hash, now);
                if (request.invitationToken() != null) {
                    return new SignupResult(userId, invitedSignup.join(request.invitationToken(), request.email(), userId, now));
                }
                Organisation organisation = organisations.create(request.organisationName(), userId);
                audit.userEvent(organisation.id(), userId, AuditType.ORG_CREATED, Entity.organisation(organisation.id()),
                        SecurityEvents.facts(client), Map.of());
                String token = userTokens.issue(userId, UserTokens.Purpose.EMAIL_VERIFICATION, VERIFICATION_LIFETIME, now);
                outbox.mail(request.email(), "Confirm your email address for Bulwark", """
                        Welcome to Bulwark. Confirm this address by opening this link within 3 days:

                        %s

                        If you did not sign up, ignore this mail.
                        """.formatted(outbox.link("/api/v1/auth/verify-email?token=" + token)));
                return new SignupResult(userId, organisation.id());
            });
        } catch (DuplicateKeyException raceLost) {
            throw new ConflictException("an account with this email already exists");
        }
    }

    /** Verifies the email of the token's user: true when the token was valid and unused. */
    public boolean verifyEmail(String token) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Boolean.TRUE.equals(transactions.execute(s -> userTokens.consume(token, UserTokens.Purpose.EMAIL_VERIFICATION, now)
                .map(userId -> {
                    users.markEmailVerified(userId, now);
                    return true;
                })
                .orElse(false)));
    }

    /** Every rule at once, so one answer lists every field to fix; answers the address's keys. */
    private EmailAddresses.Keys validate(SignupRequest request) {
        List<FieldProblem> problems = new ArrayList<>(validator.validate(request).stream()
                .map(v -> new FieldProblem(v.getPropertyPath().toString(), v.getMessage()))
                .toList());
        boolean byOrganisation = request.organisationName() != null;
        boolean byInvitation = request.invitationToken() != null;
        if (byOrganisation == byInvitation) {
            problems.add(new FieldProblem(byOrganisation ? "invitationToken" : "organisationName",
                    "give exactly one of organisationName and invitationToken"));
        }
        if (byOrganisation && request.organisationName().isBlank()) {
            problems.add(new FieldProblem("organisationName", "must not be blank"));
        }
        if (request.password() != null) {
            passwordPolicy.refusal(request.password(), List.of(
                            nullToEmpty(request.email()), nullToEmpty(request.name()), nullToEmpty(request.organisationName())))
                    .ifPresent(reason -> problems.add(new FieldProblem("password", reason)));
        }
        Optional<EmailAddresses.Keys> keys = request.email() == null ? Optional.empty() : EmailAddresses.of(request.email());
        if (request.email() != null && keys.isEmpty() && problems.stream().noneMatch(p -> p.field().equals("email"))) {
            problems.add(new FieldProblem("email", "must be a valid email address"));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidInputException(problems);
        }
        return keys.orElseThrow();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
