/**
 * The example module of docs/extending.md, in the test sources so the guide cannot drift from what the build checks:
 * notes of an organisation, with an encrypted body, behind a permission, in a tenant table declared to the isolation
 * catalogue. Its migration is {@code src/test/resources/db/migration/V56__example_notes.sql}: on the test class path
 * only, so it never ships.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "access", "audit", "keys"})
package dev.bulwark.example;
