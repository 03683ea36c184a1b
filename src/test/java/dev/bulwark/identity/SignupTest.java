package dev.bulwark.identity;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.bulwark.IntegrationTest;
import dev.bulwark.keys.FieldCipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/v1/signup: the account, its organisation and its OWNER membership — or, on bad input, nothing at all. */
class SignupTest extends IntegrationTest {

    @Test
    void signupCreatesUserOrganisationAndOwnerMembership() throws SQLException {
        String email = uniqueEmail();
        HttpResponse<String> response = postJson("/api/v1/signup", valid(email));

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = body(response);
        UUID userId = UUID.fromString(body.get("userId").asString());
        UUID orgId = UUID.fromString(body.get("organisationId").asString());
        assertThat(userId.version()).isEqualTo(7);
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/orgs/" + orgId);

        try (Connection owner = connectAs("bulwark_owner")) {
            assertThat(single(owner, "SELECT name FROM organisations WHERE id = ?", orgId)).isEqualTo("Analytical Engines");
            owner.setAutoCommit(false);
            try (PreparedStatement ps = owner.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
                ps.setString(1, orgId.toString());
                ps.execute();
            }
            assertThat(single(owner, "SELECT role FROM memberships WHERE user_id = ?", userId)).isEqualTo("OWNER");
            owner.rollback();
        }
    }

    @Test
    void passwordIsStoredAsArgon2idWithOwaspParameters() throws SQLException {
        JsonNode created = signUp(uniqueEmail());
        try (Connection owner = connectAs("bulwark_owner")) {
            String hash = single(owner, "SELECT password_hash FROM users WHERE id = ?", UUID.fromString(created.get("userId").asString()));
            assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(STRONG_PASSWORD);
        }
    }

    @Test
    void withoutSmtpTheVerificationMailIsWrittenAsAnEmlFile() throws Exception {
        String email = uniqueEmail();
        signUp(email);
        // Sent by the outbox just after the signup's transaction commits, to the address as an .eml file.
        assertThat(mailedTo(email, "verify-email\\?token=(bwv_[0-9A-Za-z]{38})")).isNotEmpty();
        // Mails carry tokens: owner-only files in an owner-only directory.
        assertThat(java.nio.file.Files.getPosixFilePermissions(DATA_DIR.resolve("mail")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (var files = java.nio.file.Files.list(DATA_DIR.resolve("mail"))) {
            assertThat(files.toList()).allSatisfy(f -> assertThat(java.nio.file.Files.getPosixFilePermissions(f))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
    }

    @Test
    void registeredEmailAnswers409WhateverItsCase() {
        String email = uniqueEmail();
        signUp(email);
        HttpResponse<String> again = postJson("/api/v1/signup", valid(email.toUpperCase()));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(body(again).get("status").asInt()).isEqualTo(409);
    }

    @Test
    void concurrentSignupsWithOneEmailCreateOneAccount() throws Exception {
        String email = uniqueEmail();
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            attempts.add(() -> postJson("/api/v1/signup", valid(email)).statusCode());
        }
        List<Integer> codes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Future<Integer> f : pool.invokeAll(attempts)) {
                codes.add(f.get());
            }
        }
        assertThat(codes).containsOnly(201, 409).containsOnlyOnce(201);
        assertThat(usersWithEmail(email)).isEqualTo(1);
    }

    @Test
    void sqlMetacharactersAreStoredAsPlainText() throws SQLException {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("name", "Robert'); DROP TABLE users;--");
        body.put("organisationName", "O'Brien \"Ltd\" \\ ; --");
        JsonNode created = body(postJson("/api/v1/signup", body));
        try (Connection owner = connectAs("bulwark_owner")) {
            UUID userId = UUID.fromString(created.get("userId").asString());
            try (PreparedStatement ps = owner.prepareStatement("SELECT name, name_ct FROM users WHERE id = ?")) {
                ps.setObject(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("no plaintext name").isNull();
                    assertThat(decrypt(new FieldCipher.Field(PLATFORM_ORG, "users", "name", userId), rs.getBytes(2)))
                            .isEqualTo("Robert'); DROP TABLE users;--");
                }
            }
            assertThat(single(owner, "SELECT name FROM organisations WHERE id = ?",
                    UUID.fromString(created.get("organisationId").asString()))).isEqualTo("O'Brien \"Ltd\" \\ ; --");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "short-pw-1",                      // too short
            "password1234",                    // common
            "aaaaaaaaaaaaaaaa",                // weak
            "qwertyuiop123456",                // keyboard walk
    })
    void weakCommonOrShortPasswordsAreRefusedAndNothingIsWritten(String password) {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("password", password);
        assertFieldProblem(postJson("/api/v1/signup", body), "password");
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void passwordContainingTheUsersOwnEmailIsRefused() {
        String email = "margaret.hamilton." + UUID.randomUUID().toString().substring(0, 4) + "@example.com";
        Map<String, Object> body = valid(email);
        body.put("password", email);
        assertFieldProblem(postJson("/api/v1/signup", body), "password");
    }

    @Test
    void tooLongPasswordIsRefused() {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("password", "x7#Kq".repeat(26)); // 130 characters
        assertFieldProblem(postJson("/api/v1/signup", body), "password");
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void longestAllowedPasswordIsAccepted() {
        Map<String, Object> body = valid(uniqueEmail());
        body.put("password", "x7#Kq-Lm2!".repeat(12) + "Zp9$Wn4&"); // 128 characters
        assertThat(postJson("/api/v1/signup", body).statusCode()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-email", "a@b", "two@@example.com", "spaces in@example.com", ""})
    void badEmailIsRefused(String email) {
        Map<String, Object> body = valid(email);
        assertFieldProblem(postJson("/api/v1/signup", body), "email");
    }

    @Test
    void overlongFieldsAreRefused() {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("name", "n".repeat(201));
        body.put("organisationName", "o".repeat(201));
        JsonNode problem = assertFieldProblem(postJson("/api/v1/signup", body), "name");
        assertThat(fields(problem)).contains("organisationName");
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void missingFieldsAreEachNamed() {
        JsonNode problem = assertFieldProblem(postJson("/api/v1/signup", "{}"), "email");
        assertThat(fields(problem)).contains("email", "password", "name", "organisationName");
    }

    @Test
    void unknownFieldIsRefusedAndNothingIsWritten() {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("isAdmin", true);
        assertFieldProblem(postJson("/api/v1/signup", body), "isAdmin");
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void wrongJsonTypeIsRefused() {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("password", 123456789012345L);
        assertFieldProblem(postJson("/api/v1/signup", body), "password");
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void oversizeBodyIs413AndNothingIsWritten() {
        String email = uniqueEmail();
        Map<String, Object> body = valid(email);
        body.put("name", "n".repeat(1_100_000));
        HttpResponse<String> response = postJson("/api/v1/signup", body);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void refusedSignupsWriteNoRowAnywhere() throws SQLException {
        long[] before = rowCounts();
        Map<String, Object> weak = valid(uniqueEmail());
        weak.put("password", "password1234");
        Map<String, Object> unknown = valid(uniqueEmail());
        unknown.put("role", "OWNER");
        Map<String, Object> badEmail = valid("nope");
        for (Object body : List.of(weak, unknown, badEmail, "{}", "[]", "{\"email\":")) {
            assertThat(postJson("/api/v1/signup", body).statusCode()).isEqualTo(400);
        }
        assertThat(rowCounts()).containsExactly(before);
    }

    /** Users, organisations, and memberships (read by the superuser: no tenant filter). */
    private static long[] rowCounts() throws SQLException {
        try (Connection superuser = connectAs("postgres"); var s = superuser.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM bulwark.users), (SELECT count(*) FROM bulwark.organisations), "
                     + "(SELECT count(*) FROM bulwark.memberships)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    private static Map<String, Object> valid(String email) {
        Map<String, Object> body = new HashMap<>();
        body.put("email", email);
        body.put("password", STRONG_PASSWORD);
        body.put("name", "Ada Lovelace");
        body.put("organisationName", "Analytical Engines");
        return body;
    }

    private JsonNode assertFieldProblem(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.get("type").asString()).endsWith("/validation-failed");
        assertThat(fields(problem)).contains(field);
        assertThat(response.body()).doesNotContain("Exception", "at dev.", "tools.jackson", STRONG_PASSWORD);
        return problem;
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }

    private long usersWithEmail(String email) {
        try (Connection owner = connectAs("bulwark_owner");
             PreparedStatement ps = owner.prepareStatement("SELECT count(*) FROM users WHERE email_bidx = ?")) {
            ps.setBytes(1, loginEmailIndex(email));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String single(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for " + id).isTrue();
                return rs.getString(1);
            }
        }
    }
}
