package dev.bulwark.audit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Hash version 1 of the chain, exactly as docs/audit-chain.md specifies it (the writer and the database verifier
 * use this; the offline verifier re-implements it from the document alone). Every hash input is a sequence of
 * fields, each written as a 4-byte big-endian length and its bytes, a null field as the length 0xFFFFFFFF; the first
 * field names what is hashed. Strings are UTF-8; UUIDs their lower-case text; numbers decimal text; instants
 * {@code yyyy-MM-ddTHH:mm:ss.ffffffZ} in UTC; hashes their 32 raw bytes.
 */
public final class ChainCodec {

    public static final int VERSION = 1;
    public static final byte[] GENESIS = new byte[32];

    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final byte[] NULL = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    private final MessageDigest sha256;

    public ChainCodec() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Instants are kept to the microsecond, PostgreSQL's precision, so what is hashed is what is stored. */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    public static String instant(Instant instant) {
        return INSTANT.format(instant);
    }

    /** Covers before/after and a random salt, so the digest left after erasure cannot be matched against guesses. */
    public byte[] dataDigest(byte[] salt, String beforeJson, String afterJson) {
        sha256.reset();
        text("bulwark.audit.data");
        bytes(salt);
        text(beforeJson);
        text(afterJson);
        return sha256.digest();
    }

    public byte[] payloadHash(String actorType, UUID actorId, String entityType, String entityId, String reason, String ip,
                              String userAgent, String requestId, byte[] dataDigest) {
        sha256.reset();
        text("bulwark.audit.payload");
        text(actorType);
        text(actorId == null ? null : actorId.toString());
        text(entityType);
        text(entityId);
        text(reason);
        text(ip);
        text(userAgent);
        text(requestId);
        bytes(dataDigest);
        return sha256.digest();
    }

    public byte[] eventHash(int hashVersion, UUID tenant, long seq, UUID id, Instant occurredAt, String type,
                            byte[] payloadHash, byte[] prevHash) {
        sha256.reset();
        text("bulwark.audit.event");
        text(Integer.toString(hashVersion));
        text(tenant.toString());
        text(Long.toString(seq));
        text(id.toString());
        text(instant(occurredAt));
        text(type);
        bytes(payloadHash);
        bytes(prevHash);
        return sha256.digest();
    }

    private void text(String value) {
        bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(byte[] value) {
        if (value == null) {
            sha256.update(NULL);
            return;
        }
        int n = value.length;
        sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        sha256.update(value);
    }
}
