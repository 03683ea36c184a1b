package dev.bulwark.audit;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit log's checkpoints (docs/audit-chain.md). Every {@code checkpointInterval}, each tenant whose chain grew
 * gets a checkpoint signed with the Ed25519 key kept in {@code keyDir}; each checkpoint (and the event hashes it
 * covers) is also written to {@code checkpointDir}, which should be storage the database's owner cannot rewrite
 * (another disk, a WORM bucket mount, a log shipper's spool). An empty {@code checkpointDir} turns that copy off.
 * {@code origin} names the logs: tenant {@code t}'s checkpoints say {@code <origin>/t}; it is also the key's name.
 *
 * @param checkpointInterval how often each grown chain gets a signed checkpoint
 * @param checkpointDir      where checkpoints are copied, outside the database (empty: no copy)
 * @param keyDir             where the Ed25519 checkpoint signing key lives
 * @param origin             the name of the logs and of their key ({@code <origin>/<tenant>})
 */
@ConfigurationProperties("bulwark.audit")
public record AuditProperties(
        @DefaultValue("10s") Duration checkpointInterval,
        @DefaultValue("./var/checkpoints") String checkpointDir,
        @DefaultValue("./var/keys") Path keyDir,
        @DefaultValue("bulwark.localhost/audit") String origin) {

    public AuditProperties {
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("bulwark.audit.checkpoint-interval must be positive");
        }
        if (!origin.matches("[A-Za-z0-9.\\-_/:]{1,100}")) {
            throw new IllegalArgumentException("bulwark.audit.origin must be 1-100 characters of A-Z a-z 0-9 . - _ / :");
        }
    }

    /** The directory checkpoints are copied to, or null when that copy is off. */
    public Path checkpointDirectory() {
        return checkpointDir == null || checkpointDir.isBlank() ? null : Path.of(checkpointDir);
    }
}
