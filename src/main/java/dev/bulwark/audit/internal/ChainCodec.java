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

    private final MessageDigest sha256;
    /** The hash input being built: one digest update per hash, no allocation per field. */
    private byte[] buffer = new byte[1024];
    private int length;

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
        start("bulwark.audit.data");
        bytes(salt);
        text(beforeJson);
        text(afterJson);
        return finish();
    }

    /** The same over the two sides' UTF-8 bytes (null: absent), without making strings of them. */
    public byte[] dataDigestUtf8(byte[] salt, byte[] beforeJson, byte[] afterJson) {
        start("bulwark.audit.data");
        bytes(salt);
        bytes(beforeJson);
        bytes(afterJson);
        return finish();
    }

    public byte[] payloadHash(String actorType, UUID actorId, String entityType, String entityId, String reason, String ip,
                              String userAgent, String requestId, byte[] dataDigest) {
        return payloadHash(actorType, actorId == null ? null : actorId.toString(), entityType, entityId, reason, ip,
                userAgent, requestId, dataDigest);
    }

    /** The same, with the actor's id as its lower-case text. */
    public byte[] payloadHash(String actorType, String actorId, String entityType, String entityId, String reason, String ip,
                              String userAgent, String requestId, byte[] dataDigest) {
        return payloadHashUtf8(utf8(actorType), utf8(actorId), utf8(entityType), utf8(entityId), utf8(reason), utf8(ip),
                utf8(userAgent), utf8(requestId), dataDigest);
    }

    /** The same over the fields' UTF-8 bytes (null: absent), as a database row holds them. */
    public byte[] payloadHashUtf8(byte[] actorType, byte[] actorId, byte[] entityType, byte[] entityId, byte[] reason,
                                  byte[] ip, byte[] userAgent, byte[] requestId, byte[] dataDigest) {
        start("bulwark.audit.payload");
        bytes(actorType);
        bytes(actorId);
        bytes(entityType);
        bytes(entityId);
        bytes(reason);
        bytes(ip);
        bytes(userAgent);
        bytes(requestId);
        bytes(dataDigest);
        return finish();
    }

    public byte[] eventHash(int hashVersion, UUID tenant, long seq, UUID id, Instant occurredAt, String type,
                            byte[] payloadHash, byte[] prevHash) {
        return eventHash(hashVersion, tenant.toString(), seq, id.toString(), instant(occurredAt), type, payloadHash, prevHash);
    }

    /** The same, with ids as their lower-case text and the instant as written ({@link #instant}). */
    public byte[] eventHash(int hashVersion, String tenant, long seq, String id, String occurredAt, String type,
                            byte[] payloadHash, byte[] prevHash) {
        return eventHashUtf8(hashVersion, utf8(tenant), seq, utf8(id), utf8(occurredAt), utf8(type), payloadHash, prevHash);
    }

    /** The same over UTF-8 bytes: the tenant's, the id's and the instant's text, and the type, as a database row holds them. */
    public byte[] eventHashUtf8(int hashVersion, byte[] tenant, long seq, byte[] id, byte[] occurredAt, byte[] type,
                                byte[] payloadHash, byte[] prevHash) {
        start("bulwark.audit.event");
        text(Integer.toString(hashVersion));
        bytes(tenant);
        text(Long.toString(seq));
        bytes(id);
        bytes(occurredAt);
        bytes(type);
        bytes(payloadHash);
        bytes(prevHash);
        return finish();
    }

    /**
     * What {@link #eventHash} covers before the event's seq (domain, version, tenant), encoded: the database completes
     * the encoding with the seq and the previous hash under the chain head's lock (migration V41, {@code audit_append}).
     */
    public byte[] eventPrefix(int hashVersion, UUID tenant) {
        start("bulwark.audit.event");
        text(Integer.toString(hashVersion));
        text(tenant.toString());
        return encoded();
    }

    /** What {@link #eventHash} covers between the seq and the previous hash (id, instant, type, payload hash), encoded. */
    public byte[] eventMiddle(UUID id, Instant occurredAt, String type, byte[] payloadHash) {
        length = 0;
        text(id.toString());
        text(instant(occurredAt));
        text(type);
        bytes(payloadHash);
        return encoded();
    }

    private byte[] encoded() {
        return java.util.Arrays.copyOf(buffer, length);
    }

    private void start(String domain) {
        length = 0;
        text(domain);
    }

    private byte[] finish() {
        sha256.reset();
        sha256.update(buffer, 0, length);
        return sha256.digest();
    }

    private void text(String value) {
        bytes(utf8(value));
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private void bytes(byte[] value) {
        int n = value == null ? 0 : value.length;
        if (length + 4 + n > buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + 4 + n));
        }
        if (value == null) {
            buffer[length++] = (byte) 0xFF;
            buffer[length++] = (byte) 0xFF;
            buffer[length++] = (byte) 0xFF;
            buffer[length++] = (byte) 0xFF;
            return;
        }
        buffer[length++] = (byte) (n >>> 24);
        buffer[length++] = (byte) (n >>> 16);
        buffer[length++] = (byte) (n >>> 8);
        buffer[length++] = (byte) n;
        System.arraycopy(value, 0, buffer, length, n);
        length += n;
    }
}
