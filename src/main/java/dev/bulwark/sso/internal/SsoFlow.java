package dev.bulwark.sso.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.ClientInfo;
import dev.bulwark.identity.ExternalSignIn;
import dev.bulwark.identity.TokenPair;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.Organisations;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The sign-in through an organisation's identity provider (docs/sso.md#the-sign-in): the authorization code flow with
 * PKCE (S256), a {@code state} that names the organisation and is single use, bound to the browser by a cookie whose
 * hash the sign-in keeps, and a {@code nonce} the ID token must carry. Every failure answers 401 with no session and
 * records {@code auth.sso.failed} in the organisation's chain (when the state named one).
 */
@Service
public class SsoFlow {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    public static final long LIFETIME_SECONDS = 600;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where to send the browser, and the secret of its state cookie. */
    public record Started(String authorizationUrl, String browserSecret) {
        @Override
        public String toString() {
            return "Started[…]";
        }
    }

    /** A finished sign-in: the session's tokens. */
    public record SignedIn(UUID userId, UUID orgId, TokenPair tokens) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final TransactionTemplate transactions;
    private final SsoSettings settings;
    private final OidcProviders providers;
    private final IdTokens idTokens;
    private final ExternalSignIn accounts;
    private final Organisations organisations;
    private final AuditLog audit;
    private final dev.bulwark.identity.UserDirectory users;

    SsoFlow(JdbcClient jdbc, TenantScope tenantScope, TransactionTemplate transactions, SsoSettings settings, OidcProviders providers,
            IdTokens idTokens, ExternalSignIn accounts, Organisations organisations, AuditLog audit,
            dev.bulwark.identity.UserDirectory users) {
        this.users = users;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.transactions = transactions;
        this.settings = settings;
        this.providers = providers;
        this.idTokens = idTokens;
        this.accounts = accounts;
        this.organisations = organisations;
        this.audit = audit;
    }

    /** Starts a sign-in for {@code email}: 404 when no organisation has verified the address's domain. */
    public Started start(String email) {
        String domain = Domains.ofEmail(email).orElseThrow(SsoFlow::noOrganisation);
        UUID org = organisationOf(domain).orElseThrow(SsoFlow::noOrganisation);
        return begin(org, null, email);
    }

    /** Starts a sign-in that links the signed-in {@code userId} to its identity at {@code org}'s provider. */
    public Started startLink(UUID userId, UUID org) {
        // Only an account whose address is in one of the organisation's verified domains may link itself there; for
        // anyone else the organisation's single sign-on does not exist (404).
        String email = users.profile(userId).map(dev.bulwark.identity.Profile::email).orElse(null);
        Optional<UUID> owner = Domains.ofEmail(email).flatMap(this::organisationOf);
        if (owner.isEmpty() || !owner.get().equals(org)) {
            throw new NotFoundException("This organisation has no single sign-on for your address.");
        }
        return begin(org, userId, email);
    }

    private Started begin(UUID org, UUID linkUserId, String loginHint) {
        SsoSettings.Config config = tenantScope.inTenantAnyUser(org, () -> settings.config(org)).orElseThrow(SsoFlow::noOrganisation);
        OidcProviders.Provider provider;
        try {
            provider = providers.provider(config.issuer());
        } catch (OidcProviders.ProviderFailure e) {
            throw new RefusedException(502, "sso-provider-unavailable", "Identity provider unavailable",
                    "The organisation's identity provider could not be reached: " + e.getMessage());
        }
        String state = org + "." + random(32);
        String browser = random(32);
        String nonce = random(32);
        String verifier = random(32);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        tenantScope.inTenantAnyUser(org, () -> jdbc.sql("""
                        INSERT INTO sso_logins (tenant_id, state_sha256, browser_sha256, nonce, code_verifier, link_user_id,
                                                created_at, expires_at)
                        VALUES (:org, :state, :browser, :nonce, :verifier, :link, :now, :expires)
                        """)
                .param("org", org)
                .param("state", sha256(state))
                .param("browser", sha256(browser))
                .param("nonce", nonce)
                .param("verifier", verifier)
                .param("link", linkUserId)
                .param("now", Timestamp.from(now))
                .param("expires", Timestamp.from(now.plus(LIFETIME)))
                .update());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", config.clientId());
        query.put("redirect_uri", settings.redirectUri());
        query.put("scope", "openid email profile");
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", Base64.getUrlEncoder().withoutPadding().encodeToString(digest(verifier)));
        query.put("code_challenge_method", "S256");
        if (loginHint != null) {
            query.put("login_hint", loginHint);
        }
        String endpoint = provider.authorizationEndpoint();
        return new Started(endpoint + (endpoint.contains("?") ? "&" : "?") + form(query), browser);
    }

    /**
     * Finishes a sign-in: the state (single use, unexpired, this browser's), the code exchanged with the verifier, the
     * ID token checked, the address's domain a verified one of the organisation; then the account (linked by issuer and
     * subject, made on a first sign-in, or refused 409 {@code account-exists}) and a session.
     */
    public SignedIn callback(String code, String state, String error, String browserSecret, ClientInfo client) {
        UUID org = orgOf(state);
        if (org == null) {
            throw refused();
        }
        record Pending(String nonce, String verifier, UUID linkUserId) {
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // Claimed in a transaction of its own, so a state is spent even when what follows fails.
        Optional<Pending> pending = tenantScope.inTenantAnyUser(org, () -> {
            record Row(byte[] browser, String nonce, String verifier, UUID link, Instant expires, boolean used) {
            }
            Optional<Row> row = jdbc.sql("""
                            SELECT browser_sha256, nonce, code_verifier, link_user_id, expires_at, used_at IS NOT NULL
                            FROM sso_logins WHERE tenant_id = :org AND state_sha256 = :state FOR UPDATE
                            """)
                    .param("org", org)
                    .param("state", sha256(state))
                    .query((rs, n) -> new Row(rs.getBytes(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                            rs.getTimestamp(5).toInstant(), rs.getBoolean(6)))
                    .optional();
            if (row.isEmpty()) {
                // No sign-in of this organisation has this state: nothing is recorded, so made-up states cannot fill
                // an organisation's chain.
                return null;
            }
            if (row.get().used()) {
                return Optional.<Pending>empty();
            }
            jdbc.sql("UPDATE sso_logins SET used_at = :now WHERE tenant_id = :org AND state_sha256 = :state")
                    .param("now", Timestamp.from(now)).param("org", org).param("state", sha256(state)).update();
            boolean sameBrowser = browserSecret != null && MessageDigest.isEqual(row.get().browser(), sha256(browserSecret));
            if (!sameBrowser || !now.isBefore(row.get().expires())) {
                return Optional.<Pending>empty();
            }
            return Optional.of(new Pending(row.get().nonce(), row.get().verifier(), row.get().link()));
        });
        if (pending == null) {
            throw refused();
        }
        if (pending.isEmpty()) {
            throw failed(org, client, "state");
        }
        if (error != null || code == null || code.isEmpty() || code.length() > 2048) {
            throw failed(org, client, error != null ? "provider-error" : "no-code");
        }
        SsoSettings.Config config = tenantScope.inTenantAnyUser(org, () -> settings.config(org)).orElse(null);
        if (config == null) {
            throw failed(org, client, "not-configured");
        }
        IdTokens.Identity identity;
        try {
            OidcProviders.Provider provider = providers.provider(config.issuer());
            String idToken = exchange(provider, config, code, pending.get().verifier());
            identity = idTokens.check(idToken, config.issuer(), config.clientId(), provider.jwksUri(), pending.get().nonce(),
                    Instant.now());
        } catch (OidcProviders.ProviderFailure e) {
            throw failed(org, client, "provider");
        } catch (IdTokens.Refused e) {
            throw failed(org, client, "token-" + e.getMessage());
        }
        String domain = Domains.ofEmail(identity.email()).orElse(null);
        if (domain == null || !tenantScope.inTenantAnyUser(org, () -> settings.verifiedDomain(org, domain))) {
            throw failed(org, client, "domain");
        }
        boolean mfa = identity.amr().contains("mfa");
        UUID userId = account(org, config, identity, pending.get().linkUserId(), client, mfa);
        TokenPair tokens = accounts.openSession(userId, client, "sso", mfa);
        return new SignedIn(userId, org, tokens);
    }

    /** The account of the identity: linked by issuer and subject; else linked on request, or made; in one transaction. */
    private UUID account(UUID org, SsoSettings.Config config, IdTokens.Identity identity, UUID linkUserId, ClientInfo client,
                         boolean mfa) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        record Outcome(UUID userId, String refusal) {
        }
        Outcome outcome = tenantScope.inTenantAnyUser(org, () -> {
            Optional<UUID> linked = jdbc.sql("""
                            SELECT user_id FROM sso_identities WHERE tenant_id = :org AND issuer = :issuer AND subject = :subject
                            """)
                    .param("org", org).param("issuer", identity.issuer()).param("subject", identity.subject())
                    .query(UUID.class).optional();
            String how;
            UUID userId;
            if (linked.isPresent() && linkUserId != null && !linked.get().equals(linkUserId)) {
                return new Outcome(null, "identity-conflict");
            }
            if (linked.isPresent()) {
                userId = linked.get();
                how = "linked";
            } else {
                Optional<UUID> existing = accounts.accountOf(identity.email());
                if (existing.isPresent() && !existing.get().equals(linkUserId)) {
                    // Never linked by the address alone: the account's owner links it, signed in.
                    return new Outcome(null, "account-exists");
                }
                if (existing.isEmpty() && linkUserId != null) {
                    return new Outcome(null, "link-mismatch");
                }
                try {
                    userId = existing.isPresent() ? existing.get()
                            : accounts.createWithoutPassword(identity.email(), identity.name(), true, now);
                } catch (ConflictException lookalike) {
                    return new Outcome(null, "account-exists");
                }
                int taken = jdbc.sql("""
                                INSERT INTO sso_identities (tenant_id, issuer, subject, user_id, created_at)
                                VALUES (:org, :issuer, :subject, :user, :now) ON CONFLICT DO NOTHING
                                """)
                        .param("org", org).param("issuer", identity.issuer()).param("subject", identity.subject())
                        .param("user", userId).param("now", Timestamp.from(now)).update();
                if (taken == 0) {
                    return new Outcome(null, "identity-conflict");
                }
                organisations.addMember(org, userId, config.defaultRole());
                how = existing.isPresent() ? "linked-by-owner" : "created";
            }
            audit.userEvent(org, userId, AuditType.SSO_SUCCEEDED, Entity.of("user", userId), facts(client),
                    Map.of("issuer", identity.issuer(), "account", how, "mfa", mfa));
            return new Outcome(userId, null);
        });
        if (outcome.refusal() != null) {
            failed(org, client, outcome.refusal());
            if (outcome.refusal().equals("account-exists")) {
                throw new RefusedException(409, "account-exists", "Account exists",
                        "An account with this address exists: sign in to it and link it to single sign-on from your profile.");
            }
            throw refused();
        }
        return outcome.userId();
    }

    private String exchange(OidcProviders.Provider provider, SsoSettings.Config config, String code, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", settings.redirectUri());
        form.put("code_verifier", verifier);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("Accept", "application/json");
        if (provider.postSecret()) {
            form.put("client_id", config.clientId());
            form.put("client_secret", config.clientSecret());
        } else {
            String pair = URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(config.clientSecret(), StandardCharsets.UTF_8);
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        OidcProviders.TokenAnswer answer = providers.post(provider.tokenEndpoint(), headers, form(form).getBytes(StandardCharsets.UTF_8));
        JsonNode token = answer.body() == null ? null : answer.body().get("id_token");
        if (answer.status() != 200 || token == null || !token.isString()) {
            throw new OidcProviders.ProviderFailure("the token endpoint refused the code");
        }
        return token.asString();
    }

    /** The organisation whose verified domains hold {@code domain}. */
    Optional<UUID> organisationOf(String domain) {
        return jdbc.sql("SELECT tenant_id FROM sso_domain_index WHERE domain_sha256 = :hash AND verified_at IS NOT NULL")
                .param("hash", Domains.sha256(domain)).query(UUID.class).optional();
    }

    private RuntimeException failed(UUID org, ClientInfo client, String reason) {
        tenantScope.inTenantAnyUser(org, () ->
                audit.anonymousEvent(org, AuditType.SSO_FAILED, Entity.organisation(org), facts(client), Map.of("reason", reason)));
        return refused();
    }

    private static dev.bulwark.audit.RequestFacts facts(ClientInfo client) {
        return client == null ? null : new dev.bulwark.audit.RequestFacts(client.ip(), client.userAgent(), client.requestId());
    }

    private static UnauthenticatedException refused() {
        return new UnauthenticatedException("The single sign-on could not be completed. Start again.");
    }

    private static NotFoundException noOrganisation() {
        return new NotFoundException("No organisation signs this address in through single sign-on.");
    }

    private static UUID orgOf(String state) {
        if (state == null || state.length() > 100) {
            return null;
        }
        int dot = state.indexOf('.');
        if (dot != 36) {
            return null;
        }
        try {
            return UUID.fromString(state.substring(0, dot));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(String value) {
        return digest(value);
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
