package dev.bulwark.audit;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * One event as the API shows it and the export writes it (docs/api.md's fields, plus what an offline verifier needs
 * to recompute the hashes: user agent, hash version, payload hash, the data digest and its salt). Hashes are hex;
 * {@code occurredAt} is the exact text that was hashed. A redacted event has lost {@code before}, {@code after} and
 * {@code dataSalt} through erasure and keeps {@code dataDigest}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditRecord(UUID id, long seq, String occurredAt, String type, Party actor, Party entity, String reason,
                          String ip, String userAgent, String requestId, JsonNode before, JsonNode after, String redactedAt,
                          int hashVersion, String dataSalt, String dataDigest, String payloadHash, String prevHash,
                          String hash) {

    /** An actor or entity: its type and id. */
    public record Party(String type, String id) {
    }
}
