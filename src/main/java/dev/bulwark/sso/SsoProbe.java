package dev.bulwark.sso;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.PasswordSignIn;
import dev.bulwark.identity.SsoEnforcement;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The live probe behind the trust center's {@code sso.enforced-refuses-passwords} check (docs/sso.md): in a transaction
 * that is always rolled back, it gives the platform organisation a synthetic single sign-on setting for a fresh
 * {@code .invalid} domain, enforced and verified, and signs in by password through identity's real sign-in path with an
 * address of that domain; the answer must be 403 {@code sso-required}. The same domain left unverified must not be
 * enforced (so the probe does not pass by refusing everything). Nothing it writes outlives it.
 */
@Component
public class SsoProbe {

    /** What the probe saw. */
    public record Observed(boolean enforcedRefused, String enforcedAnswer, boolean unverifiedEnforced, long enforcingOrganisations) {

        /** Public evidence: what was tried and what it answered; never the organisation count. */
        public Map<String, Object> evidence() {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("passwordSignInAtEnforcedDomain", enforcedAnswer);
            evidence.put("unverifiedDomainEnforced", unverifiedEnforced);
            return evidence;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final PasswordSignIn passwords;
    private final SsoEnforcement enforcement;
    private final FieldCipher cipher;

    SsoProbe(JdbcClient jdbc, TenantScope tenantScope, PlatformTransactionManager transactionManager, PasswordSignIn passwords,
             SsoEnforcement enforcement, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = new TransactionTemplate(transactionManager);
        this.passwords = passwords;
        this.enforcement = enforcement;
        this.cipher = cipher;
    }

    public Observed observe() {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String domain = "sso-probe-" + HexFormat.of().formatHex(random) + ".invalid";
        String email = "probe@" + domain;
        return transactions.execute(status -> {
            status.setRollbackOnly();
            UUID org = Organisation.PLATFORM_ID;
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            long enforcing = jdbc.sql("SELECT count(DISTINCT tenant_id) FROM sso_domain_index WHERE verified_at IS NOT NULL")
                    .query(Long.class).single();
            // Unverified first: the synthetic domain is claimed, its organisation enforces, but DNS never proved it.
            byte[] hash = dev.bulwark.sso.internal.ProbeSupport.domainHash(domain);
            tenantScope.inTenantAnyUser(org, () -> {
                UUID secretId = UUID.randomUUID();
                jdbc.sql("""
                                INSERT INTO sso_configs (tenant_id, issuer, client_id, secret_id, client_secret_ct, default_role, enforced,
                                                         updated_at)
                                VALUES (:org, 'https://sso-probe.invalid', 'probe', :secretId, :secret, 'VIEWER', true, :now)
                                ON CONFLICT (tenant_id) DO UPDATE SET enforced = true
                                """)
                        .param("org", org).param("secretId", secretId)
                        .param("secret", cipher.encrypt(new FieldCipher.Field(org, "sso_configs", "client_secret", secretId), "probe"))
                        .param("now", Timestamp.from(now))
                        .update();
                return jdbc.sql("INSERT INTO sso_domain_index (domain_sha256, tenant_id) VALUES (:hash, :org)")
                        .param("hash", hash).param("org", org).update();
            });
            boolean unverifiedEnforced = enforcement.enforcedFor(email);
            jdbc.sql("UPDATE sso_domain_index SET verified_at = :now WHERE domain_sha256 = :hash")
                    .param("now", Timestamp.from(now)).param("hash", hash).update();
            String answer;
            boolean refused;
            try {
                passwords.login(email, "not-the-password-" + HexFormat.of().formatHex(random), new ClientInfo("127.0.0.1", "bulwark-trust-probe", null));
                answer = "signed in";
                refused = false;
            } catch (RefusedException e) {
                answer = e.status() + " " + e.slug();
                refused = e.status() == 403 && "sso-required".equals(e.slug());
            } catch (RuntimeException e) {
                answer = e.getClass().getSimpleName();
                refused = false;
            }
            return new Observed(refused, answer, unverifiedEnforced, enforcing);
        });
    }
}
