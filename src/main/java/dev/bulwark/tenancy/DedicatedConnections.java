package dev.bulwark.tenancy;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Connections of the app role outside the pool, for a caller that holds one for long (a {@code LISTEN}er): opened
 * with the pool's URL and credentials, so row-level security applies as it does to the pool's, and never taken from
 * the pool, so holding one costs the requests nothing. The caller closes it.
 */
public interface DedicatedConnections {

    /** A new connection, named {@code application} in {@code pg_stat_activity}, in autocommit mode. */
    Connection open(String application) throws SQLException;
}
