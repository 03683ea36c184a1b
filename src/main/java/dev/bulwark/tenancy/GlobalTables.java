package dev.bulwark.tenancy;

import java.util.List;
import java.util.Optional;

/**
 * The only tables without row-level security, each with the reason it must be readable before a tenant is bound.
 * A global row holds ids and hashes, never customer data. Adding a table here is a security decision: review it.
 */
public final class GlobalTables {

    /** A global table, why it is one, and whether the app role may touch it at all. */
    public record GlobalTable(String name, String reason, boolean appRoleMayAccess) {
    }

    public static final List<GlobalTable> ALL = List.of(
            new GlobalTable("organisations",
                    "registry of tenants: a request resolves its organisation before any tenant is bound", true),
            new GlobalTable("users",
                    "registry of accounts: sign-in finds a user by the blind index of their email before any tenant is bound"
                            + " (email and name stored encrypted)", true),
            new GlobalTable("refresh_token_index",
                    "refresh-token hash to user: a refresh finds its user before any user is bound (hashes, ids)", true),
            new GlobalTable("login_throttle",
                    "sign-in failures per email hash, known or unknown email alike, before any user is bound", true),
            new GlobalTable("mfa_challenges",
                    "pending second sign-in step by token hash: found before any user is bound (hashes, ids, counters)", true),
            new GlobalTable("invitation_index",
                    "invitation-token hash to (organisation, invitation): accepting finds its tenant before binding it", true),
            new GlobalTable("user_tokens",
                    "mailed single-use token hashes (email verification, password reset) to user, found before binding", true),
            new GlobalTable("passkey_index",
                    "passkey credential-id hash to user: a passwordless sign-in finds its user before binding (hashes, ids)", true),
            new GlobalTable("webauthn_challenges",
                    "one-time WebAuthn challenge hashes, checked before any user is bound (hashes, ids, times)", true),
            new GlobalTable("api_key_index",
                    "API-key hash to (organisation, key): a request finds its key's tenant before binding it (hashes, ids)", true),
            new GlobalTable("rate_limit_buckets",
                    "request budgets shared by all instances, taken before any tenant is bound (hashed keys, counters)", true),
            new GlobalTable("audit_heads",
                    "each audit chain's last seq and hash: the checkpointer finds the logs that grew without binding each"
                            + " tenant (ids, counters, hashes; the verifier checks a head against its chain)", true),
            new GlobalTable("audit_checkpointed",
                    "how far each audit chain is checkpointed, read with audit_heads by the checkpointer (ids, counters)", true),
            new GlobalTable("key_reencryption_queue",
                    "organisations whose rotated data key leaves rows to re-encrypt, taken by the job of any instance"
                            + " before binding each (ids, times)", true),
            new GlobalTable("retention_runs",
                    "the retention enforcer's one lease and last run times, shared by every instance (times only)", true),
            new GlobalTable("trust_results",
                    "the trust center's latest result per check: statuses and evidence about the platform, never tenant data",
                    true),
            new GlobalTable("trust_cursors",
                    "where each sliced trust check resumes, so that every organisation is covered over a cycle (ids only)", true),
            new GlobalTable("trust_findings",
                    "what a scanning trust check found and has not seen mended: organisation ids, row keys, the kind of"
                            + " problem, never row contents; read across organisations by design", true),
            new GlobalTable("trust_runs",
                    "the trust checks' one lease and last run times, shared by every instance (times only)", true),
            new GlobalTable("trust_recent",
                    "how far into each organisation's audit log the ciphertext check has read for recent writes (ids,"
                            + " counters); read across organisations by design", true),
            new GlobalTable("trust_sweeps",
                    "where the trust center's row sweep resumes (an organisation, a table, a key) and its cycle times",
                    true),
            new GlobalTable("flyway_schema_history",
                    "migration history, written by the owner role only; the app role has no privilege on it", false));

    private GlobalTables() {
    }

    public static Optional<GlobalTable> find(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
