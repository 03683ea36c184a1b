package dev.bulwark;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.audit.web.AuditDeclarationCheck;
import dev.bulwark.keys.BlindIndex;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.Organisation;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the integration tests: the real application on a random port, over real HTTP, on one embedded PostgreSQL
 * shared by the whole run (a throwaway cluster, so without fsync). Tests isolate by creating fresh organisations.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IntegrationTest {

    public static final Path DATA_DIR = createDataDir();
    public static final Path LOCAL_KMS_DIR = DATA_DIR.resolve("local-kms");
    public static final String METRICS_TOKEN = "test-metrics-token-" + UUID.randomUUID();
    public static final String STRONG_PASSWORD = "violet-orbit-canyon-42-lantern";

    @LocalServerPort
    protected int port;

    @Autowired
    protected ObjectMapper json;

    @Autowired
    private AuditDeclarationCheck auditDeclarations;

    @Autowired
    private FieldCipher fieldCipher;

    @Autowired
    private BlindIndex blindIndex;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every call this test made to a state-changing endpoint left the audit trail its @Audited declares. */
    @AfterEach
    void auditDeclarationsHeld() {
        assertThat(auditDeclarations.takeViolations()).as("audit declarations broken by this test's requests").isEmpty();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("bulwark.database.embedded.data-dir", DATA_DIR::toString);
        registry.add("bulwark.database.embedded.durable", () -> "false");
        registry.add("bulwark.http.metrics-token", () -> METRICS_TOKEN);
        registry.add("bulwark.auth.key-dir", () -> DATA_DIR.resolve("keys").toString());
        registry.add("bulwark.mail.dir", () -> DATA_DIR.resolve("mail").toString());
        registry.add("bulwark.audit.key-dir", () -> DATA_DIR.resolve("keys").toString());
        registry.add("bulwark.keys.dir", () -> DATA_DIR.resolve("keys").toString());
        // The local KMS stand-in, for customer-managed key tests (CustomerKeysTest).
        registry.add("bulwark.keys.local-kms-dir", () -> LOCAL_KMS_DIR.toString());
        registry.add("bulwark.audit.checkpoint-dir", () -> DATA_DIR.resolve("checkpoints").toString());
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("bulwark-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBC connection to the test cluster as {@code user} (bulwark_app, bulwark_owner, postgres), with its password. */
    public static Connection connectAs(String user) throws SQLException {
        return connectAs(DATA_DIR, user);
    }

    public static Connection connectAs(Path dataDir, String user) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + embeddedPort(dataDir)
                + "/bulwark?currentSchema=bulwark", user, passwordOf(dataDir, user));
    }

    /** The password Bulwark generated for {@code user} in the embedded cluster under {@code dataDir}. */
    public static String passwordOf(Path dataDir, String user) {
        Properties secrets = new Properties();
        try (Reader reader = Files.newBufferedReader(dataDir.resolve("secrets/database.properties"))) {
            secrets.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secrets.getProperty("password." + user);
    }

    private static String embeddedPort(Path dataDir) {
        try {
            // postmaster.pid line 4 is the port the cluster listens on.
            return Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    protected HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    protected HttpResponse<String> postJson(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : json.writeValueAsString(body)))
                .build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    /** A fresh account and organisation; returns {userId, organisationId}. */
    protected JsonNode signUp(String email) {
        HttpResponse<String> response = postJson("/api/v1/signup", Map.of("email", email, "password", STRONG_PASSWORD,
                "name", "Test User", "organisationName", "Org of " + email));
        if (response.statusCode() != 201) {
            throw new AssertionError("signup failed: " + response.statusCode() + " " + response.body());
        }
        return body(response);
    }

    /** A fresh account with its own organisation; returns its email. */
    protected String signedUp() {
        String email = uniqueEmail();
        signUp(email);
        return email;
    }

    /** Signs in with the standard password, expecting tokens. */
    protected JsonNode login(String email) {
        HttpResponse<String> response = postJson("/api/v1/auth/login", Map.of("email", email, "password", STRONG_PASSWORD));
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return body(response);
    }

    /** The Authorization header of {@code tokens}' access token, as header name and value. */
    protected static String[] bearer(JsonNode tokens) {
        return new String[] {"Authorization", "Bearer " + tokens.get("accessToken").asString()};
    }

    protected static String uniqueEmail() {
        return "u" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    /**
     * Group 1 of the last match of {@code regex} in the mails written for {@code to} (no SMTP in these tests: the
     * outbox writes .eml files, named in time order), waiting for the outbox to send it: the bound is only reached
     * when the mail never comes, so it holds on a saturated machine.
     */
    protected static String mailedTo(String to, String regex) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String last = null;
            try (var files = Files.list(DATA_DIR.resolve("mail"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                    String mail = Files.readString(file).replace("=\r\n", "").replace("=3D", "=");
                    if (!mail.contains("To: " + to + "\r\n") && !mail.contains("To: " + to + "\n")) {
                        continue;
                    }
                    java.util.regex.Matcher m = pattern.matcher(mail);
                    while (m.find()) {
                        last = m.group(1);
                    }
                }
            } catch (java.nio.file.NoSuchFileException notYet) {
                // no mail written yet
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (last != null) {
                return last;
            }
            assertThat(System.nanoTime()).as("a mail to " + to + " matching " + regex).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Verifies {@code email}'s address as its owner would: by the link mailed at sign-up. */
    protected void verifyEmail(String email) {
        String link = mailedTo(email, "(/api/v1/auth/verify-email\\?token=bwv_[0-9A-Za-z]{38})");
        assertThat(get(link).statusCode()).as("verification link").isEqualTo(200);
    }

    /** A signed-in account: its id, email and tokens. */
    protected record Person(UUID id, String email, JsonNode tokens) {

        /** The Authorization header, as name and value. */
        public String[] auth() {
            return bearer(tokens);
        }
    }

    /** A fresh organisation and its owner, signed in. */
    protected record Tenant(UUID id, Person owner) {
    }

    protected Tenant newTenant() {
        String email = uniqueEmail();
        JsonNode created = signUp(email);
        return new Tenant(UUID.fromString(created.get("organisationId").asString()),
                signIn(email, UUID.fromString(created.get("userId").asString())));
    }

    /** A fresh account made a member of {@code org} with {@code role} (written directly, as a fixture), signed in. */
    protected Person joined(UUID org, String role) {
        String email = uniqueEmail();
        JsonNode created = signUp(email);
        UUID userId = UUID.fromString(created.get("userId").asString());
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("INSERT INTO bulwark.memberships (tenant_id, user_id, role) VALUES (?, ?, ?)")) {
            ps.setObject(1, org);
            ps.setObject(2, userId);
            ps.setString(3, role);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return signIn(email, userId);
    }

    /** A fresh account in an organisation of its own, signed in. */
    protected Person outsider() {
        String email = uniqueEmail();
        JsonNode created = signUp(email);
        return signIn(email, UUID.fromString(created.get("userId").asString()));
    }

    protected Person signIn(String email, UUID id) {
        return new Person(id, email, login(email));
    }

    /** Any method, as {@code as} (null: anonymous), with a JSON body (null: none) and extra headers. */
    protected HttpResponse<String> call(String method, String path, Person as, String jsonBody, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
                jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (as != null) {
            b.headers(as.auth());
        }
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (jsonBody != null && !typed) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    /**
     * The platform's own bookkeeping about an organisation, written by background work at any moment (the audit
     * checkpointer, the trust center's sweeps): not the organisation's data, so left out of {@link #tenantRows}, or a
     * sweep that happens to pass between two snapshots would look like a change a refused request made.
     */
    private static final Set<String> BACKGROUND_BOOKKEEPING = Set.of(
            "audit_checkpointed", "trust_recent", "trust_sweeps");

    /**
     * Every row of the organisation in every table with a tenant (but {@link #BACKGROUND_BOOKKEEPING}), read as the
     * superuser (past row-level security), in a stable order: equal snapshots mean nothing of the organisation changed.
     */
    public static List<String> tenantRows(UUID org) {
        List<String> rows = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement tables = c.prepareStatement("""
                     SELECT table_name FROM information_schema.columns
                     WHERE table_schema = 'bulwark' AND column_name = 'tenant_id' ORDER BY table_name""");
             ResultSet names = tables.executeQuery()) {
            Set<String> left = new HashSet<>();
            while (names.next()) {
                if (BACKGROUND_BOOKKEEPING.contains(names.getString(1))) {
                    left.add(names.getString(1));
                    continue;
                }
                // Table names come from the catalogue, never from input.
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT t::text FROM bulwark." + names.getString(1) + " t WHERE tenant_id = ? ORDER BY 1")) {
                    ps.setObject(1, org);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(names.getString(1) + ": " + rs.getString(1));
                        }
                    }
                }
            }
            if (!left.equals(BACKGROUND_BOOKKEEPING)) {
                throw new IllegalStateException("a table left out of the snapshot has no tenant_id column any more: "
                        + BACKGROUND_BOOKKEEPING + " vs " + left);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /**
     * Runs each statement as the schema's owner (what an attacker with the database's owner credentials can do), bound
     * to {@code org} (FORCE RLS applies to the owner too); each statement's first parameter is {@code org}.
     */
    /**
     * Every row of every table of Bulwark's schema, copied out by the superuser as the data section of a {@code pg_dump}
     * would hold it (the machine's {@code pg_dump} is PostgreSQL 15's and refuses a 17 server), after a checkpoint.
     */
    public static String databaseDump() throws SQLException {
        StringBuilder dump = new StringBuilder();
        try (Connection c = connectAs("postgres"); java.sql.Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'bulwark'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            var copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            for (String table : tables) {
                var out = new java.io.ByteArrayOutputStream();
                // Names come from the catalogue, never from input.
                try {
                    copy.copyOut("COPY bulwark.\"" + table + "\" TO STDOUT", out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                dump.append(out.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return dump.toString();
    }

    /** The platform organisation: owner of the keys of accounts (users' email and name, TOTP seeds). */
    public static final UUID PLATFORM_ORG = Organisation.PLATFORM_ID;

    /** The blind index an account's email is found by (users.email_bidx). */
    protected byte[] loginEmailIndex(String email) {
        return blindIndex.email(PLATFORM_ORG, "user.email", email);
    }

    /** The blind index an email's sign-in failures are counted under (login_throttle.subject_hash). */
    protected byte[] throttleSubject(String email) {
        return blindIndex.email(PLATFORM_ORG, "login.throttle", email);
    }

    /** The id of the account with this email (null when none), found as sign-in finds it. */
    protected UUID userIdOf(String email) {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT id FROM bulwark.users WHERE email_bidx = ?")) {
            ps.setBytes(1, loginEmailIndex(email));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The plaintext of a ciphertext read from {@code field}. */
    protected String decrypt(FieldCipher.Field field, byte[] ciphertext) {
        return fieldCipher.decrypt(field, ciphertext);
    }

    public static void asOwnerOf(UUID org, String... statements) throws SQLException {
        try (Connection owner = connectAs("bulwark_owner")) {
            owner.setAutoCommit(false);
            try (PreparedStatement bind = owner.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
                bind.setString(1, org.toString());
                bind.execute();
            }
            for (String sql : statements) {
                try (PreparedStatement ps = owner.prepareStatement(sql)) {
                    ps.setObject(1, org);
                    ps.executeUpdate();
                }
            }
            owner.commit();
        }
    }

    /** How many audit events of {@code type} the organisation's chain holds (read as the superuser). */
    public static long eventsOfType(UUID org, String type) throws SQLException {
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bulwark.audit_events WHERE tenant_id = ? AND type = ?")) {
            ps.setObject(1, org);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The organisation's audit events of {@code type}, oldest first, every column by name (read as the superuser), plus
     * {@code before} and {@code after}: the payload's canonical JSON, decrypted with the organisation's key.
     */
    public List<Map<String, Object>> auditEvents(UUID org, String type) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connectAs("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT * FROM bulwark.audit_events WHERE tenant_id = ? AND type = ? ORDER BY seq")) {
            ps.setObject(1, org);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    UUID id = (UUID) row.get("id");
                    for (String side : List.of("before", "after")) {
                        byte[] sealed = (byte[]) row.get(side + "_ct");
                        row.put(side, sealed == null ? row.get(side + "_json")
                                : fieldCipher.decrypt(new FieldCipher.Field(org, "audit_events", side, id), sealed));
                    }
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
