package dev.bulwark.sso.internal;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.InvalidInputException.FieldProblem;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.Role;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.web.HttpProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * An organisation's single sign-on settings (docs/sso.md): its OIDC client (an OWNER in person, with step-up), its
 * domains and their proof by DNS. The client secret is encrypted under the organisation's data key, bound to its row,
 * and never returned. The issuer's discovery document must be readable through egress when the settings are saved.
 */
@Service
public class SsoSettings {

    static final String TABLE = "sso_configs";
    static final String COLUMN = "client_secret";
    static final String TXT_PREFIX = "bulwark-domain-verification=";
    private static final int MAX_DOMAINS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Entra ID's tenant-independent issuers: each stands for many tenants, so none pins the organisation's. */
    private static final Set<String> ENTRA_SHARED = Set.of("common", "organizations", "consumers");

    /** A domain as shown: whether it is proven, and the token to publish. */
    public record DomainView(String domain, boolean verified, String verificationToken) {
    }

    /** The settings as shown (never the secret). */
    public record ConfigView(String issuer, String clientId, List<DomainView> domains, Role defaultRole, boolean enforced,
                             String redirectUri) {
    }

    /** The settings as the sign-in needs them, secret opened. */
    record Config(String issuer, String clientId, String clientSecret, Role defaultRole, boolean enforced) {
        @Override
        public String toString() {
            return "Config[" + issuer + ", " + clientId + "]";
        }
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final RecentFactor recentFactor;
    private final AuditLog audit;
    private final FieldCipher cipher;
    private final OidcProviders providers;
    private final DnsTxt dns;
    private final String redirectUri;

    SsoSettings(JdbcClient jdbc, TenantScope tenantScope, RecentFactor recentFactor, AuditLog audit, FieldCipher cipher,
                OidcProviders providers, DnsTxt dns, HttpProperties http) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.recentFactor = recentFactor;
        this.audit = audit;
        this.cipher = cipher;
        this.providers = providers;
        this.dns = dns;
        String origin = http.publicOrigin().toString();
        this.redirectUri = (origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin) + "/api/v1/auth/sso/callback";
    }

    String redirectUri() {
        return redirectUri;
    }

    /** Sets (or replaces) the organisation's settings; the domains not listed any more are given up. */
    public ConfigView put(Caller caller, String issuer, String clientId, String clientSecret, List<String> domains, Role defaultRole,
                          boolean enforced) {
        List<String> normalised = validate(issuer, clientId, clientSecret, domains, defaultRole);
        recentFactor.require(caller);
        try {
            providers.discover(issuer);
        } catch (OidcProviders.ProviderFailure e) {
            throw new InvalidInputException("issuer", "its discovery document could not be used: " + e.getMessage());
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID org = caller.orgId();
        return tenantScope.inTenant(org, caller.userId(), () -> {
            UUID secretId = Ids.newId();
            jdbc.sql("""
                            INSERT INTO sso_configs (tenant_id, issuer, client_id, secret_id, client_secret_ct, default_role, enforced,
                                                     updated_at, updated_by)
                            VALUES (:org, :issuer, :client, :secretId, :secret, :role, :enforced, :now, :actor)
                            ON CONFLICT (tenant_id) DO UPDATE SET issuer = :issuer, client_id = :client, secret_id = :secretId,
                                client_secret_ct = :secret, default_role = :role, enforced = :enforced, updated_at = :now,
                                updated_by = :actor
                            """)
                    .param("org", org)
                    .param("issuer", issuer)
                    .param("client", clientId)
                    .param("secretId", secretId)
                    .param("secret", cipher.encrypt(new FieldCipher.Field(org, TABLE, COLUMN, secretId), clientSecret))
                    .param("role", defaultRole.name())
                    .param("enforced", enforced)
                    .param("now", Timestamp.from(now))
                    .param("actor", caller.userId())
                    .update();
            List<String> held = jdbc.sql("SELECT domain FROM sso_domains WHERE tenant_id = :org")
                    .param("org", org).query(String.class).list();
            for (String gone : held) {
                if (!normalised.contains(gone)) {
                    jdbc.sql("DELETE FROM sso_domains WHERE tenant_id = :org AND domain = :domain")
                            .param("org", org).param("domain", gone).update();
                    jdbc.sql("DELETE FROM sso_domain_index WHERE domain_sha256 = :hash AND tenant_id = :org")
                            .param("hash", Domains.sha256(gone)).param("org", org).update();
                }
            }
            for (String domain : normalised) {
                if (held.contains(domain)) {
                    continue;
                }
                int claimed = jdbc.sql("""
                                INSERT INTO sso_domain_index (domain_sha256, tenant_id) VALUES (:hash, :org)
                                ON CONFLICT (domain_sha256) DO NOTHING
                                """)
                        .param("hash", Domains.sha256(domain)).param("org", org).update();
                if (claimed == 0) {
                    // Another organisation holds it; the whole change is rolled back.
                    throw new RefusedException(409, "domain-claimed", "Domain claimed",
                            "The domain " + domain + " belongs to another organisation.");
                }
                jdbc.sql("""
                                INSERT INTO sso_domains (tenant_id, domain, verification_token, created_at)
                                VALUES (:org, :domain, :token, :now)
                                """)
                        .param("org", org).param("domain", domain).param("token", token()).param("now", Timestamp.from(now))
                        .update();
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("issuer", issuer);
            after.put("clientId", clientId);
            after.put("domains", normalised);
            after.put("defaultRole", defaultRole.name());
            after.put("enforced", enforced);
            audit.callerAction(caller, AuditType.SSO_CONFIGURED, Entity.organisation(org), after);
            return view(org).orElseThrow();
        });
    }

    /** The settings as shown; 404 when the organisation has none. */
    public ConfigView get(Caller caller) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> view(caller.orgId()))
                .orElseThrow(() -> new NotFoundException("This organisation has no single sign-on settings."));
    }

    /** Removes the settings, the domains, their claims and the linked identities; 404 when there are none. */
    public void delete(Caller caller) {
        UUID org = caller.orgId();
        tenantScope.inTenant(org, caller.userId(), () -> {
            int removed = jdbc.sql("DELETE FROM sso_configs WHERE tenant_id = :org").param("org", org).update();
            if (removed == 0) {
                throw new NotFoundException("This organisation has no single sign-on settings.");
            }
            jdbc.sql("DELETE FROM sso_domains WHERE tenant_id = :org").param("org", org).update();
            jdbc.sql("DELETE FROM sso_domain_index WHERE tenant_id = :org").param("org", org).update();
            jdbc.sql("DELETE FROM sso_logins WHERE tenant_id = :org").param("org", org).update();
            audit.callerAction(caller, AuditType.SSO_CONFIGURED, Entity.organisation(org), Map.of("removed", true));
        });
    }

    /**
     * Proves {@code domain} by its TXT record {@code _bulwark.<domain>}: 200 when a record holds
     * {@code bulwark-domain-verification=<token>}, else 409 {@code domain-not-verified}. 404 for a domain the
     * organisation has not claimed.
     */
    public DomainView verify(Caller caller, String domain) {
        String normalised = Domains.normalise(domain).orElseThrow(() -> new NotFoundException("This organisation has no such domain."));
        UUID org = caller.orgId();
        String token = tenantScope.inTenant(org, caller.userId(), () -> jdbc.sql("""
                        SELECT verification_token FROM sso_domains WHERE tenant_id = :org AND domain = :domain
                        """)
                .param("org", org).param("domain", normalised).query(String.class).optional())
                .orElseThrow(() -> new NotFoundException("This organisation has no such domain."));
        List<String> records;
        try {
            records = dns.txt("_bulwark." + normalised);
        } catch (java.io.IOException e) {
            records = List.of();
        }
        if (!records.contains(TXT_PREFIX + token)) {
            throw new RefusedException(409, "domain-not-verified", "Domain not verified",
                    "No TXT record at _bulwark." + normalised + " holds " + TXT_PREFIX + "<verificationToken> yet.");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        tenantScope.inTenant(org, caller.userId(), () -> {
            jdbc.sql("""
                            UPDATE sso_domains SET verified_at = coalesce(verified_at, :now)
                            WHERE tenant_id = :org AND domain = :domain AND verification_token = :token
                            """)
                    .param("org", org).param("domain", normalised).param("token", token).param("now", Timestamp.from(now)).update();
            jdbc.sql("UPDATE sso_domain_index SET verified_at = coalesce(verified_at, :now) WHERE domain_sha256 = :hash AND tenant_id = :org")
                    .param("hash", Domains.sha256(normalised)).param("org", org).param("now", Timestamp.from(now)).update();
            audit.callerAction(caller, AuditType.SSO_DOMAIN_VERIFIED, Entity.organisation(org), Map.of("domain", normalised));
        });
        return new DomainView(normalised, true, token);
    }

    /** The settings of {@code org}, secret opened; in the caller's transaction bound to {@code org}. */
    Optional<Config> config(UUID org) {
        record Row(String issuer, String clientId, UUID secretId, byte[] secret, String role, boolean enforced) {
        }
        return jdbc.sql("""
                        SELECT issuer, client_id, secret_id, client_secret_ct, default_role, enforced
                        FROM sso_configs WHERE tenant_id = :org
                        """)
                .param("org", org)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getBytes(4),
                        rs.getString(5), rs.getBoolean(6)))
                .optional()
                .map(r -> new Config(r.issuer(), r.clientId(),
                        cipher.decrypt(new FieldCipher.Field(org, TABLE, COLUMN, r.secretId()), r.secret()),
                        Role.valueOf(r.role()), r.enforced()));
    }

    /** Whether {@code domain} is a verified domain of {@code org}; in the caller's transaction bound to {@code org}. */
    boolean verifiedDomain(UUID org, String domain) {
        return jdbc.sql("SELECT count(*) FROM sso_domains WHERE tenant_id = :org AND domain = :domain AND verified_at IS NOT NULL")
                .param("org", org).param("domain", domain).query(Long.class).single() > 0;
    }

    private Optional<ConfigView> view(UUID org) {
        record Row(String issuer, String clientId, String role, boolean enforced) {
        }
        return jdbc.sql("SELECT issuer, client_id, default_role, enforced FROM sso_configs WHERE tenant_id = :org")
                .param("org", org)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
                .optional()
                .map(r -> new ConfigView(r.issuer(), r.clientId(), jdbc.sql("""
                                        SELECT domain, verified_at IS NOT NULL AS verified, verification_token
                                        FROM sso_domains WHERE tenant_id = :org ORDER BY domain
                                        """)
                        .param("org", org)
                        .query((rs, n) -> new DomainView(rs.getString(1), rs.getBoolean(2), rs.getString(3)))
                        .list(), Role.valueOf(r.role()), r.enforced(), redirectUri));
    }

    /** Every rule at once, so one answer lists every field to fix; answers the domains normalised. */
    private List<String> validate(String issuer, String clientId, String clientSecret, List<String> domains, Role defaultRole) {
        List<FieldProblem> problems = new ArrayList<>();
        if (issuer == null || issuer.isEmpty() || issuer.length() > 512) {
            problems.add(new FieldProblem("issuer", "must be a URL of at most 512 characters"));
        } else {
            String refused = providers.refusal(issuer);
            if (refused != null) {
                problems.add(new FieldProblem("issuer", refused));
            } else if (URI.create(issuer).getRawQuery() != null) {
                problems.add(new FieldProblem("issuer", "must have no query"));
            } else {
                entraRefusal(issuer).ifPresent(reason -> problems.add(new FieldProblem("issuer", reason)));
            }
        }
        if (clientId == null || !clientId.matches("[\\x21-\\x7e]{1,255}")) {
            problems.add(new FieldProblem("clientId", "must be 1 to 255 printable ASCII characters without spaces"));
        }
        if (clientSecret == null || !clientSecret.matches("[\\x21-\\x7e]{1,512}")) {
            problems.add(new FieldProblem("clientSecret", "must be 1 to 512 printable ASCII characters without spaces"));
        }
        if (defaultRole == null || defaultRole == Role.OWNER) {
            problems.add(new FieldProblem("defaultRole", "must be ADMIN, MEMBER, VIEWER or AUDITOR"));
        }
        Set<String> normalised = new LinkedHashSet<>();
        if (domains == null || domains.isEmpty() || domains.size() > MAX_DOMAINS) {
            problems.add(new FieldProblem("domains", "must list 1 to " + MAX_DOMAINS + " domains"));
        } else {
            for (String domain : domains) {
                Optional<String> d = Domains.normalise(domain);
                if (d.isEmpty()) {
                    problems.add(new FieldProblem("domains", "each must be a domain name such as example.com"));
                    break;
                }
                normalised.add(d.get());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(normalised);
    }

    /**
     * Entra ID (login.microsoftonline.com, sts.windows.net): the issuer must name the organisation's tenant, never
     * {@code common}, {@code organizations} or {@code consumers}, whose tokens come from any tenant.
     */
    static Optional<String> entraRefusal(String issuer) {
        URI uri = URI.create(issuer);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals("login.microsoftonline.com") && !host.equals("sts.windows.net")) {
            return Optional.empty();
        }
        String[] path = uri.getPath() == null ? new String[0] : uri.getPath().split("/");
        String tenant = path.length > 1 ? path[1].toLowerCase(Locale.ROOT) : "";
        if (tenant.isEmpty() || ENTRA_SHARED.contains(tenant) || tenant.contains("{")) {
            return Optional.of("an Entra ID issuer must be tenant-specific: https://login.microsoftonline.com/<tenant id>/v2.0");
        }
        return Optional.empty();
    }

    private static String token() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
