package dev.bulwark.tenancy.internal.database;

import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import dev.bulwark.tenancy.BackupProperties;
import dev.bulwark.tenancy.BeforeMigration;
import dev.bulwark.tenancy.DatabaseSupervision;
import dev.bulwark.tenancy.DedicatedConnections;
import dev.bulwark.tenancy.StoredData;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two roles, wired. Flyway migrates as the owner through a connection that is never a bean (so nothing else,
 * actuator included, can use it); the application's only {@link DataSource} is a pool of the app role, which owns
 * nothing and is subject to row-level security. Every {@link BeforeMigration} bean is built before the migration, so a
 * start it refuses changes nothing in the database.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean
    ConnectionSettings connectionSettings(DatabaseProperties properties, BackupProperties backup) {
        if (!properties.external()) {
            return EmbeddedPostgresServer.start(properties, backup);
        }
        require(properties.ownerPassword(), "DATABASE_OWNER_PASSWORD");
        require(properties.appPassword(), "DATABASE_APP_PASSWORD");
        ConnectionSettings settings = new ConnectionSettings(ConnectionSettings.toJdbcUrl(properties.url()),
                properties.ownerUser(), properties.ownerPassword(), properties.appUser(), properties.appPassword());
        log.info("Using external PostgreSQL: {}", settings);
        return settings;
    }

    @Bean
    StoredData storedData(ConnectionSettings settings, DatabaseProperties properties) {
        return new ReadOnlyStoredData(settings, properties.schema());
    }

    @Bean
    DatabaseProbe databaseHealthIndicator(ConnectionSettings settings, DatabaseProperties properties, BackupProperties backup) {
        return new DatabaseProbe(settings, properties, embedded(properties, backup));
    }

    /** Liveness DOWN while the supervisor cannot restart the embedded server, UP again when it can. */
    @Bean
    SupervisedLiveness supervisedLiveness(DatabaseProperties properties, BackupProperties backup, ApplicationEventPublisher events) {
        return new SupervisedLiveness(embedded(properties, backup).flatMap(EmbeddedPostgresServer.Server::supervisor), events);
    }

    /** The supervision's state, as the trust center shows it. */
    @Bean
    DatabaseSupervision databaseSupervision(DatabaseProperties properties, BackupProperties backup) {
        Optional<PostgresSupervisor> supervisor = embedded(properties, backup).flatMap(EmbeddedPostgresServer.Server::supervisor);
        return new DatabaseSupervision() {
            @Override
            public boolean supervised() {
                return supervisor.isPresent();
            }

            @Override
            public String state() {
                return supervisor.map(s -> s.state().name().toLowerCase(java.util.Locale.ROOT))
                        .orElse(properties.external() ? "external" : "unsupervised");
            }

            @Override
            public java.util.Map<String, Object> details() {
                return supervisor.map(PostgresSupervisor::details).orElse(java.util.Map.of());
            }
        };
    }

    static Optional<EmbeddedPostgresServer.Server> embedded(DatabaseProperties properties, BackupProperties backup) {
        return properties.external() ? Optional.empty() : Optional.of(EmbeddedPostgresServer.server(properties, backup));
    }

    /**
     * Connections outside the pool for listeners: TCP keep-alive on, so a connection to a server that went away
     * without a word fails in time instead of waiting forever.
     */
    @Bean
    DedicatedConnections dedicatedConnections(ConnectionSettings settings, DatabaseProperties properties) {
        return application -> settings.appConnection(properties.schema(), application,
                Map.of("connectTimeout", "10", "tcpKeepAlive", "true"));
    }

    @Bean
    DataSource dataSource(ConnectionSettings settings, DatabaseProperties properties, ObjectProvider<BeforeMigration> checks) {
        checks.orderedStream().forEach(built -> log.debug("Checked before migrating: {}", built.getClass().getSimpleName()));
        migrate(settings, properties);
        HikariConfig config = new HikariConfig();
        config.setPoolName("bulwark-app");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.appUser());
        config.setPassword(settings.appPassword());
        config.setMaximumPoolSize(properties.poolSize());
        // Fail fast: past this a request answers 503 (web module) instead of queueing behind a saturated pool or a
        // database that is gone. Validation on borrow must finish well inside it.
        config.setConnectionTimeout(properties.connectionTimeout().toMillis());
        config.setValidationTimeout(Math.max(250, Math.min(1_000, properties.connectionTimeout().toMillis() / 2)));
        config.addDataSourceProperty("currentSchema", properties.schema());
        config.addDataSourceProperty("ApplicationName", "bulwark");
        return new HikariDataSource(config);
    }

    private static void migrate(ConnectionSettings settings, DatabaseProperties properties) {
        try {
            Reworded.realign(settings.jdbcUrl(), settings.ownerUser(), settings.ownerPassword(), properties.schema());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the migration history: " + e.getMessage(), e);
        }
        Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.ownerUser(), settings.ownerPassword())
                .schemas(properties.schema())
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", settings.appUser(), "owner_role", settings.ownerUser()))
                .validateMigrationNaming(true)
                .load()
                .migrate();
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " must be set when DATABASE_URL points at an external PostgreSQL");
        }
    }
}
