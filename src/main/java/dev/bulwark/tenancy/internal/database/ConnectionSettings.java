package dev.bulwark.tenancy.internal.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/** How to reach the database as each of Bulwark's two roles. Passwords never reach a log line. */
record ConnectionSettings(String jdbcUrl, String ownerUser, String ownerPassword, String appUser, String appPassword) {

    @Override
    public String toString() {
        return "ConnectionSettings[" + jdbcUrl + ", owner=" + ownerUser + ", app=" + appUser + "]";
    }

    /**
     * A connection of the app role outside the pool (start-up reads, the readiness probe), named {@code application} in
     * {@code pg_stat_activity}, with any further driver {@code options}.
     */
    Connection appConnection(String schema, String application, Map<String, String> options) throws SQLException {
        Properties props = new Properties();
        props.putAll(options);
        props.setProperty("user", appUser);
        props.setProperty("password", appPassword);
        props.setProperty("currentSchema", schema);
        props.setProperty("ApplicationName", application);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /**
     * Accepts a JDBC URL or the {@code postgres://host:port/db} form many platforms hand out. Credentials
     * embedded in the URL are refused: each role's password comes from its own setting.
     */
    static String toJdbcUrl(String url) {
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql://")) {
            return trimmed;
        }
        for (String scheme : new String[] {"postgres://", "postgresql://"}) {
            if (trimmed.startsWith(scheme)) {
                String rest = trimmed.substring(scheme.length());
                if (rest.contains("@")) {
                    throw new IllegalArgumentException("DATABASE_URL must not carry credentials; set "
                            + "DATABASE_OWNER_PASSWORD and DATABASE_APP_PASSWORD instead");
                }
                return "jdbc:postgresql://" + rest;
            }
        }
        throw new IllegalArgumentException("DATABASE_URL must start with jdbc:postgresql://, postgres:// or postgresql://");
    }
}
