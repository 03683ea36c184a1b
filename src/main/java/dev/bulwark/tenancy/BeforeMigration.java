package dev.bulwark.tenancy;

/**
 * A bean built before the database is migrated or used. Such a bean checks what it guards against the data already
 * there ({@link StoredData}) while it is built, and refuses the start by throwing: a refusal then leaves the database
 * exactly as it was.
 */
public interface BeforeMigration {
}
