package dev.bulwark.tenancy.internal.database;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import dev.bulwark.BulwarkApplication;
import dev.bulwark.IntegrationTest;
import dev.bulwark.tenancy.IsolationCatalog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DATABASE_URL mode: a second, separately started PostgreSQL, prepared only with the operator SQL of
 * docs/sql/external-database.sql, runs Bulwark with the same migrations, roles and isolation rules.
 */
class ExternalDatabaseTest {

    @Test
    void bulwarkRunsOnAnOperatorPreparedServer(@TempDir Path dir) throws Exception {
        String ownerPassword = "owner-" + UUID.randomUUID();
        String appPassword = "app-" + UUID.randomUUID();
        Path unusedDataDir = dir.resolve("embedded-must-not-start");
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("external")).start()) {
            String operatorSql = Files.readString(Path.of("docs/sql/external-database.sql"))
                    .replace(":'owner_password'", "'" + ownerPassword + "'")
                    .replace(":'app_password'", "'" + appPassword + "'");
            try (Connection admin = external.getPostgresDatabase().getConnection(); Statement s = admin.createStatement()) {
                for (String statement : operatorSql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
            }

            String url = "postgres://localhost:" + external.getPort() + "/bulwark";
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BulwarkApplication.class).run(
                    "--server.port=0",
                    "--bulwark.database.url=" + url,
                    "--bulwark.database.owner-password=" + ownerPassword,
                    "--bulwark.database.app-password=" + appPassword,
                    "--bulwark.database.embedded.data-dir=" + unusedDataDir,
                    "--bulwark.auth.key-dir=" + dir.resolve("keys"), "--bulwark.keys.dir=" + dir.resolve("keys"), "--bulwark.audit.key-dir=" + dir.resolve("keys"),
                "--bulwark.audit.checkpoint-dir=" + dir.resolve("checkpoints"),
                    "--bulwark.mail.dir=" + dir.resolve("mail"))) {
                int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
                String email = "ext-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/v1/signup"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\""
                                + IntegrationTest.STRONG_PASSWORD + "\",\"name\":\"Ext\",\"organisationName\":\"External Org\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);

                assertThat(app.getBean(IsolationCatalog.class).violations()).isEmpty();
                try (Connection admin = external.getDatabase("postgres", "bulwark").getConnection();
                     PreparedStatement ps = admin.prepareStatement("SELECT o.name FROM bulwark.organisations o "
                             + "JOIN bulwark.memberships m ON m.tenant_id = o.id JOIN bulwark.users u ON u.id = m.user_id "
                             + "WHERE u.email_bidx = ? AND m.role = 'OWNER'")) {
                    ps.setBytes(1, app.getBean(dev.bulwark.keys.BlindIndex.class)
                            .email(IntegrationTest.PLATFORM_ORG, "user.email", email));
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("External Org");
                    }
                }
            }
        }
        assertThat(unusedDataDir).doesNotExist();
    }

    @Test
    void platformStyleUrlsAreAcceptedButNotWithCredentialsInThem() {
        assertThat(ConnectionSettings.toJdbcUrl("postgres://db.internal:5432/bulwark?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/bulwark?sslmode=require");
        assertThat(ConnectionSettings.toJdbcUrl("jdbc:postgresql://h/b")).isEqualTo("jdbc:postgresql://h/b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectionSettings.toJdbcUrl("postgres://u:secret@h/b"))
                .hasMessageNotContaining("secret").hasMessageContaining("must not carry credentials");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectionSettings.toJdbcUrl("mysql://h/b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
