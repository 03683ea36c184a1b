package dev.bulwark.tenancy;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;

/**
 * What the database already holds, read before it is migrated: how the keys decide whether this is a fresh
 * installation and whether they open the data there. Every read is a read-only transaction as the app role (so
 * row-level security applies), bound to a tenant when one is given; nothing here can write.
 */
public interface StoredData {

    /**
     * The rows {@code sql} selects, read under {@code tenant} (null: none bound); empty when a table or column it names
     * does not exist (yet): a database not migrated that far holds none of it.
     */
    <T> List<T> query(UUID tenant, String sql, RowMapper<T> rows, Object... parameters);
}
