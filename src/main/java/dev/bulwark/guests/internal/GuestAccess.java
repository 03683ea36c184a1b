package dev.bulwark.guests.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.identity.MailProperties;
import dev.bulwark.identity.Mailbox;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.shared.Tokens;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Guests of a project and how they get in (docs/guests.md). A member invites a guest by address; the guest is mailed a
 * magic link whose token (256 random bits, base64url) is stored only as its SHA-256, valid ten minutes and used at most
 * once. Using it starts a guest session: another 256-bit token, in a cookie, stored only as its SHA-256, bound to the
 * browser's User-Agent, ending when the guest's access ends, after eight hours, or at once when the guest is revoked.
 * A global index of the hashes finds a token's organisation before anything is bound; the tenant rows decide. Times
 * come from the injected {@link Clock} (the system's unless a bean says otherwise), so tests move time instead of
 * waiting.
 */
@Service
public class GuestAccess {

    public static final Duration LINK_LIFETIME = Duration.ofMinutes(10);
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    public static final Duration DEFAULT_ACCESS = Duration.ofDays(30);
    public static final Duration MAX_ACCESS = Duration.ofDays(365);

    /** 32 random bytes in unpadded base64url: 43 characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A guest as lists and answers show it; {@code email} opened from its ciphertext. */
    public record GuestView(UUID id, String email, UUID projectId, Instant createdAt, Instant expiresAt, Instant revokedAt) {
    }

    /** A guest session that is live now: whose it is and what it may read. */
    public record Session(UUID orgId, UUID guestId, UUID projectId, UUID sessionId) {
    }

    /** A session just started: the cookie's value (shown once) and when it ends. */
    public record Started(Session session, String token, Instant expiresAt) {

        @Override
        public String toString() {
            return "Started[" + session.sessionId() + "]";
        }
    }

    /** A link just issued: its value (mailed, never stored) and its row. */
    record Issued(UUID linkId, String token, byte[] hash, Instant expiresAt) {

        @Override
        public String toString() {
            return "Issued[" + linkId + "]";
        }
    }

    private record Indexed(UUID orgId, UUID rowId) {
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final AuditLog audit;
    private final FieldCipher cipher;
    private final Mailbox mailbox;
    private final MailProperties mail;
    private final Clock clock;
    private final TransactionTemplate transactions;

    GuestAccess(JdbcClient jdbc, TenantScope tenantScope, AuditLog audit, FieldCipher cipher, Mailbox mailbox, MailProperties mail,
                ObjectProvider<Clock> clock, TransactionTemplate transactions) {
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.audit = audit;
        this.cipher = cipher;
        this.mailbox = mailbox;
        this.mail = mail;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    // ---- Members: invite, list, fresh link, revoke -------------------------------------------------------------

    /** Invites {@code email} to the project's portal until {@code expiresAt} (default 30 days) and mails a link. */
    public GuestView invite(Caller caller, UUID projectId, String email, Instant expiresAt) {
        Instant now = now();
        Instant until = expiresAt == null ? now.plus(DEFAULT_ACCESS) : expiresAt;
        if (!until.isAfter(now)) {
            throw new InvalidInputException("expiresAt", "must be in the future");
        }
        if (until.isAfter(now.plus(MAX_ACCESS))) {
            throw new InvalidInputException("expiresAt", "must be within 365 days");
        }
        String address = email.strip();
        UUID id = Ids.newId();
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            requireProject(caller.orgId(), projectId);
            jdbc.sql("""
                            INSERT INTO guests (tenant_id, id, project_id, email_ct, created_by, created_at, expires_at)
                            VALUES (:org, :id, :project, :email, :by, :now, :until)
                            """)
                    .param("org", caller.orgId())
                    .param("id", id)
                    .param("project", projectId)
                    .param("email", cipher.encrypt(emailField(caller.orgId(), id), address))
                    .param("by", caller.userId())
                    .param("now", Timestamp.from(now))
                    .param("until", Timestamp.from(until))
                    .update();
            Issued link = issueLink(caller.orgId(), id, now);
            audit.callerAction(caller, AuditType.GUEST_INVITED, guest(id), details(projectId, until, link, false));
            mailLink(address, link);
            return new GuestView(id, address, projectId, now, until, null);
        });
    }

    /** Mails a fresh link to a guest whose access is live; 409 for a revoked or expired guest. */
    public GuestView freshLink(Caller caller, UUID projectId, UUID guestId) {
        Instant now = now();
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            GuestView found = find(caller.orgId(), projectId, guestId, true);
            if (found.revokedAt() != null || !found.expiresAt().isAfter(now)) {
                throw new RefusedException(409, "guest-inactive", "Guest access ended",
                        "This guest's access was revoked or has expired; invite them again.");
            }
            Issued link = issueLink(caller.orgId(), guestId, now);
            audit.callerAction(caller, AuditType.GUEST_INVITED, guest(guestId), details(projectId, found.expiresAt(), link, true));
            mailLink(found.email(), link);
            return found;
        });
    }

    public Page<GuestView> list(Caller caller, UUID projectId, PageRequest request) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            requireProject(caller.orgId(), projectId);
            return request.fetch(jdbc.sql("""
                                    SELECT id, project_id, email_ct, created_at, expires_at, revoked_at FROM guests
                                    WHERE tenant_id = :org AND project_id = :project AND (created_at, id) > (:afterAt, :afterId)
                                    ORDER BY created_at, id LIMIT :limit
                                    """)
                            .param("org", caller.orgId())
                            .param("project", projectId),
                    (rs, n) -> view(caller.orgId(), rs), g -> new PageRequest.Position(g.createdAt(), g.id()));
        });
    }

    /**
     * Revokes the guest: access, unused links and every session end in this transaction, so the guest's next request
     * answers 401. Revoking a revoked guest changes nothing but is recorded again.
     */
    public void revoke(Caller caller, UUID projectId, UUID guestId) {
        Instant now = now();
        tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            find(caller.orgId(), projectId, guestId, true);
            int sessions = endAccess(caller.orgId(), guestId, now);
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("projectId", projectId.toString());
            after.put("sessionsEnded", sessions);
            audit.callerAction(caller, AuditType.GUEST_REVOKED, guest(guestId), after);
        });
    }

    // ---- Guests: the link, the session --------------------------------------------------------------------------

    /**
     * Whether {@code token} is a link that would sign in now: well formed, known, unused, unexpired, its guest live.
     * Reads only; the confirmation page (a GET) never consumes a link.
     */
    public boolean linkUsable(String token) {
        Instant now = now();
        return index(token, "link").map(at -> tenantScope.inTenant(at.orgId(), null, () -> jdbc.sql("""
                        SELECT count(*) FROM guest_links l JOIN guests g ON g.tenant_id = l.tenant_id AND g.id = l.guest_id
                        WHERE l.tenant_id = :org AND l.id = :id AND l.used_at IS NULL AND l.expires_at > :now
                          AND g.revoked_at IS NULL AND g.expires_at > :now
                        """)
                .param("org", at.orgId()).param("id", at.rowId()).param("now", Timestamp.from(now))
                .query(Long.class).single() == 1)).orElse(false);
    }

    /**
     * Uses the link once and starts a guest session in the browser that sent {@code userAgent}: empty when the link is
     * malformed, unknown, used, expired, or its guest's access ended. Two concurrent uses: the row lock lets one win.
     */
    public Optional<Started> signIn(String token, String userAgent) {
        Instant now = now();
        return index(token, "link").flatMap(at -> tenantScope.inTenant(at.orgId(), null, () -> {
            record Used(UUID guestId, UUID projectId, Instant guestExpires) {
            }
            Optional<Used> used = jdbc.sql("""
                            UPDATE guest_links l SET used_at = :now
                            FROM guests g
                            WHERE l.tenant_id = :org AND l.id = :id AND l.used_at IS NULL AND l.expires_at > :now
                              AND g.tenant_id = l.tenant_id AND g.id = l.guest_id AND g.revoked_at IS NULL AND g.expires_at > :now
                            RETURNING g.id, g.project_id, g.expires_at
                            """)
                    .param("org", at.orgId()).param("id", at.rowId()).param("now", Timestamp.from(now))
                    .query((rs, n) -> new Used(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getTimestamp(3).toInstant()))
                    .optional();
            if (used.isEmpty()) {
                return Optional.<Started>empty();
            }
            jdbc.sql("DELETE FROM guest_token_index WHERE token_hash = :hash").param("hash", Tokens.hash(token)).update();
            UUID sessionId = Ids.newId();
            String value = randomToken();
            byte[] hash = Tokens.hash(value);
            Instant ends = now.plus(SESSION_LIFETIME).isBefore(used.get().guestExpires()) ? now.plus(SESSION_LIFETIME)
                    : used.get().guestExpires();
            jdbc.sql("""
                            INSERT INTO guest_sessions (tenant_id, id, guest_id, token_hash, browser_hash, created_at, expires_at)
                            VALUES (:org, :id, :guest, :hash, :browser, :now, :ends)
                            """)
                    .param("org", at.orgId()).param("id", sessionId).param("guest", used.get().guestId())
                    .param("hash", hash).param("browser", browser(userAgent))
                    .param("now", Timestamp.from(now)).param("ends", Timestamp.from(ends))
                    .update();
            jdbc.sql("INSERT INTO guest_token_index (token_hash, tenant_id, kind, row_id) VALUES (:hash, :org, 'session', :id)")
                    .param("hash", hash).param("org", at.orgId()).param("id", sessionId).update();
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("projectId", used.get().projectId().toString());
            after.put("sessionId", sessionId.toString());
            after.put("sessionExpiresAt", ends.toString());
            audit.actorAction(at.orgId(), Actor.guest(used.get().guestId()), AuditType.GUEST_SIGNED_IN,
                    guest(used.get().guestId()), after);
            return Optional.of(new Started(new Session(at.orgId(), used.get().guestId(), used.get().projectId(), sessionId), value, ends));
        }));
    }

    /**
     * The live session of a guest cookie presented by {@code userAgent}: empty unless the token is well formed and
     * known, the session has not ended or expired, the guest is neither revoked nor past its access, and the browser is
     * the one that signed in. Run inside the transaction that then reads for the guest, so a revocation that commits
     * first is seen.
     */
    public Optional<Session> session(String token, String userAgent) {
        Instant now = now();
        return index(token, "session").flatMap(at -> tenantScope.inTenant(at.orgId(), null, () -> jdbc.sql("""
                        SELECT s.guest_id, g.project_id, s.browser_hash FROM guest_sessions s
                        JOIN guests g ON g.tenant_id = s.tenant_id AND g.id = s.guest_id
                        WHERE s.tenant_id = :org AND s.id = :id AND s.ended_at IS NULL AND s.expires_at > :now
                          AND g.revoked_at IS NULL AND g.expires_at > :now
                        """)
                .param("org", at.orgId()).param("id", at.rowId()).param("now", Timestamp.from(now))
                .query((rs, n) -> Map.entry(new Session(at.orgId(), rs.getObject("guest_id", UUID.class),
                        rs.getObject("project_id", UUID.class), at.rowId()), rs.getBytes("browser_hash")))
                .optional()
                .filter(found -> MessageDigest.isEqual(found.getValue(), browser(userAgent)))
                .map(Map.Entry::getKey)));
    }

    // ---- The trust center's probe ---------------------------------------------------------------------------------

    /** What the probe saw of a synthetic guest's link and session (see {@link #probe()}). */
    public record Probe(boolean storedNotToken, boolean storedIsSha256, boolean signsInOnce, boolean revocationEndsSession) {
    }

    /**
     * A synthetic guest in the platform organisation, in a transaction that is always rolled back: a project and a
     * guest are made, a link is issued by the production code, and the row it stored is read back (it must not be the
     * token, and must be the token's SHA-256); the link signs in once and only once; revoking the guest ends the
     * session at once. No mail is sent and nothing stays.
     */
    public Probe probe() {
        return transactions.execute(status -> {
            status.setRollbackOnly();
            UUID org = Organisation.PLATFORM_ID;
            return tenantScope.inTenant(org, null, () -> {
                Instant now = now();
                UUID project = Ids.newId();
                UUID guestId = Ids.newId();
                jdbc.sql("""
                                INSERT INTO projects (tenant_id, id, name, version, created_at, updated_at)
                                VALUES (:org, :id, 'trust center guest probe', 1, :now, :now)
                                """)
                        .param("org", org).param("id", project).param("now", Timestamp.from(now)).update();
                jdbc.sql("""
                                INSERT INTO guests (tenant_id, id, project_id, email_ct, created_by, created_at, expires_at)
                                VALUES (:org, :id, :project, :email, :by, :now, :until)
                                """)
                        .param("org", org).param("id", guestId).param("project", project)
                        .param("email", cipher.encrypt(emailField(org, guestId), "guest-probe@invalid"))
                        .param("by", null).param("now", Timestamp.from(now))
                        .param("until", Timestamp.from(now.plus(Duration.ofHours(1))))
                        .update();
                Issued link = issueLink(org, guestId, now);
                byte[] stored = jdbc.sql("SELECT token_hash FROM guest_links WHERE tenant_id = :org AND id = :id")
                        .param("org", org).param("id", link.linkId()).query(byte[].class).single();
                boolean notToken = !java.util.Arrays.equals(stored, link.token().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        && !new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains(link.token());
                boolean sha256 = MessageDigest.isEqual(stored, Tokens.hash(link.token()));
                String agent = "bulwark-trust-probe";
                Optional<Started> first = signIn(link.token(), agent);
                boolean once = first.isPresent() && signIn(link.token(), agent).isEmpty();
                boolean ends = first.isPresent() && session(first.get().token(), agent).isPresent()
                        && endAccess(org, guestId, now()) == 1 && session(first.get().token(), agent).isEmpty();
                return new Probe(notToken, sha256, once, ends);
            });
        });
    }

    // ---- Internals ------------------------------------------------------------------------------------------------

    /** Revokes a guest in the current transaction: access, unused links, sessions and index rows; the sessions ended. */
    int endAccess(UUID orgId, UUID guestId, Instant now) {
        jdbc.sql("UPDATE guests SET revoked_at = coalesce(revoked_at, :now) WHERE tenant_id = :org AND id = :id")
                .param("now", Timestamp.from(now)).param("org", orgId).param("id", guestId).update();
        int sessions = jdbc.sql("""
                    UPDATE guest_sessions SET ended_at = :now
                    WHERE tenant_id = :org AND guest_id = :id AND ended_at IS NULL
                    """)
                .param("now", Timestamp.from(now)).param("org", orgId).param("id", guestId).update();
        jdbc.sql("""
                    UPDATE guest_links SET used_at = :now
                    WHERE tenant_id = :org AND guest_id = :id AND used_at IS NULL
                    """)
                .param("now", Timestamp.from(now)).param("org", orgId).param("id", guestId).update();
        // The index rows go too: a revoked guest's tokens no longer even find their organisation.
        jdbc.sql("""
                    DELETE FROM guest_token_index WHERE tenant_id = :org AND token_hash IN (
                        SELECT token_hash FROM guest_links WHERE tenant_id = :org AND guest_id = :id
                        UNION ALL
                        SELECT token_hash FROM guest_sessions WHERE tenant_id = :org AND guest_id = :id)
                    """)
                .param("org", orgId).param("id", guestId).update();
        return sessions;
    }


    /** A new link of the guest: its hash stored and indexed, its value returned for the mail only. */
    Issued issueLink(UUID orgId, UUID guestId, Instant now) {
        UUID linkId = Ids.newId();
        String value = randomToken();
        byte[] hash = Tokens.hash(value);
        Instant expires = now.plus(LINK_LIFETIME);
        jdbc.sql("""
                        INSERT INTO guest_links (tenant_id, id, guest_id, token_hash, created_at, expires_at)
                        VALUES (:org, :id, :guest, :hash, :now, :expires)
                        """)
                .param("org", orgId).param("id", linkId).param("guest", guestId).param("hash", hash)
                .param("now", Timestamp.from(now)).param("expires", Timestamp.from(expires))
                .update();
        jdbc.sql("INSERT INTO guest_token_index (token_hash, tenant_id, kind, row_id) VALUES (:hash, :org, 'link', :id)")
                .param("hash", hash).param("org", orgId).param("id", linkId).update();
        return new Issued(linkId, value, hash, expires);
    }

    /** The magic link of {@code token}, absolute, from the configured public URL (never a request's Host). */
    String linkUrl(String token) {
        return mail.publicUrl().replaceAll("/+$", "") + "/portal/magic?token=" + token;
    }

    private void mailLink(String to, Issued link) {
        mailbox.mail(to, "Documents shared with you on Bulwark", """
                Documents of a project have been shared with you on Bulwark.

                Open this link within 10 minutes to see them (it works once; ask for a new one when it has expired):

                %s

                If you did not expect this, ignore this mail.
                """.formatted(linkUrl(link.token())));
    }

    /** The organisation and row of a well-formed token of {@code kind}, from the global index; empty otherwise. */
    private Optional<Indexed> index(String token, String kind) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT tenant_id, row_id FROM guest_token_index WHERE token_hash = :hash AND kind = :kind")
                .param("hash", Tokens.hash(token))
                .param("kind", kind)
                .query((rs, n) -> new Indexed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                .optional();
    }

    public static boolean wellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** 256 random bits, unpadded base64url. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The browser a session is bound to: the SHA-256 of its User-Agent (none: the empty string). */
    private static byte[] browser(String userAgent) {
        return Tokens.hash("ua:" + (userAgent == null ? "" : userAgent));
    }

    private void requireProject(UUID orgId, UUID projectId) {
        if (jdbc.sql("SELECT count(*) FROM projects WHERE tenant_id = :org AND id = :id")
                .param("org", orgId).param("id", projectId).query(Long.class).single() == 0) {
            throw new NotFoundException("There is no such project.");
        }
    }

    private GuestView find(UUID orgId, UUID projectId, UUID guestId, boolean lock) {
        return jdbc.sql("""
                        SELECT id, project_id, email_ct, created_at, expires_at, revoked_at FROM guests
                        WHERE tenant_id = :org AND project_id = :project AND id = :id
                        """ + (lock ? " FOR UPDATE" : ""))
                .param("org", orgId).param("project", projectId).param("id", guestId)
                .query((rs, n) -> view(orgId, rs))
                .optional()
                .orElseThrow(() -> new NotFoundException("There is no such guest."));
    }

    private GuestView view(UUID orgId, ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new GuestView(id, cipher.decrypt(emailField(orgId, id), rs.getBytes("email_ct")), rs.getObject("project_id", UUID.class),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
                revoked == null ? null : revoked.toInstant());
    }

    static FieldCipher.Field emailField(UUID orgId, UUID guestId) {
        return new FieldCipher.Field(orgId, "guests", "email", guestId);
    }

    private static Entity guest(UUID guestId) {
        return Entity.of("guest", guestId);
    }

    /** The invitation's details: never the address, never the token or its hash. */
    private static Map<String, Object> details(UUID projectId, Instant until, Issued link, boolean fresh) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("projectId", projectId.toString());
        after.put("expiresAt", until.toString());
        after.put("linkId", link.linkId().toString());
        after.put("linkExpiresAt", link.expiresAt().toString());
        after.put("freshLink", fresh);
        return after;
    }
}
