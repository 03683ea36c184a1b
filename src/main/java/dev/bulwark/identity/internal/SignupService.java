package dev.bulwark.identity.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

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

    private final Validator validator;
    private final PasswordPolicy passwordPolicy;
    private final PasswordEncoder passwordEncoder;
    private final Users users;
    private final Organisations organisations;
    private final TransactionTemplate transactions;

    SignupService(Validator validator, PasswordPolicy passwordPolicy, PasswordEncoder passwordEncoder, Users users,
                  Organisations organisations, TransactionTemplate transactions) {
        this.validator = validator;
        this.passwordPolicy = passwordPolicy;
        this.passwordEncoder = passwordEncoder;
        this.users = users;
        this.organisations = organisations;
        this.transactions = transactions;
    }

    public SignupResult signUp(SignupRequest request) {
        validate(request);
        // Argon2id is slow by design: hash before the transaction so no connection waits on it.
        String hash = passwordEncoder.encode(request.password());
        try {
            return transactions.execute(status -> {
                if (users.emailTaken(request.email())) {
                    throw new ConflictException("an account with this email already exists");
                }
                UUID userId = Ids.newId();
                users.insert(userId, request.email(), request.name(), hash, Instant.now());
                Organisation organisation = organisations.create(request.organisationName(), userId);
                return new SignupResult(userId, organisation.id());
            });
        } catch (DuplicateKeyException raceLost) {
            throw new ConflictException("an account with this email already exists");
        }
    }

    /** Every rule at once, so one answer lists every field to fix. */
    private void validate(SignupRequest request) {
        List<FieldProblem> problems = new ArrayList<>(validator.validate(request).stream()
                .map(v -> new FieldProblem(v.getPropertyPath().toString(), v.getMessage()))
                .toList());
        if (request.password() != null) {
            passwordPolicy.refusal(request.password(), List.of(
                            nullToEmpty(request.email()), nullToEmpty(request.name()), nullToEmpty(request.organisationName())))
                    .ifPresent(reason -> problems.add(new FieldProblem("password", reason)));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidInputException(problems);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
