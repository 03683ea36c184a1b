package dev.bulwark.tenancy.internal.database;

/** How to reach the database as each of Bulwark's two roles. Passwords never reach a log line. */
record ConnectionSettings(String jdbcUrl, String ownerUser, String ownerPassword, String appUser, String appPassword) {

    @Override
    public String toString() {
        return "ConnectionSettings[" + jdbcUrl + ", owner=" + ownerUser + ", app=" + appUser + "]";
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
