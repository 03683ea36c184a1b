/**
 * Disaster-recovery drills (docs/backups.md): {@code java -jar bulwark.jar dr-drill} restores a base backup and the WAL
 * archive into a temporary copy, starts the application on it (no HTTP server), verifies every organisation's audit
 * chain with the independent offline verifier against the checkpoints copied outside the database, and writes a report
 * signed with the audit checkpoint key; {@link dev.bulwark.recovery.DrillReports} gives the trust center the last one.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "audit", "verifier"})
package dev.bulwark.recovery;
