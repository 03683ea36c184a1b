/** Organisations, tenant-bound transactions (row-level security) and the database: the registry, invitation records, the isolation catalogue, the embedded PostgreSQL and its supervision. */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "egress"})
package dev.bulwark.tenancy;
