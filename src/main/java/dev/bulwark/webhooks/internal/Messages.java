package dev.bulwark.webhooks.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.audit.AuditRecord;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one attempt sends (docs/webhooks.md): the body, and the headers of Standard Webhooks v1. The standard body is
 * {@code {type, timestamp, data}}, and {@code data} holds the audit event's id, seq, type, actor, entity, occurrence time
 * and hash: never its before/after, its reason, IP or user agent, so no personal data leaves. The delivery's id is the
 * {@code webhook-id}, the same on every attempt; the timestamp is the attempt's.
 */
public final class Messages {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Messages() {
    }

    /** The standard body of {@code event}, UTF-8 JSON. */
    public static byte[] standardBody(AuditRecord event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", event.id());
        data.put("seq", event.seq());
        data.put("type", event.type());
        data.put("actor", party(event.actor()));
        data.put("entity", party(event.entity()));
        data.put("occurredAt", event.occurredAt());
        data.put("hash", event.hash());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.type());
        body.put("timestamp", event.occurredAt());
        body.put("data", data);
        return JSON.writeValueAsBytes(body);
    }

    /** An OCSF event (a Jackson tree) as a body, UTF-8 JSON. */
    public static byte[] body(tools.jackson.databind.JsonNode tree) {
        return JSON.writeValueAsBytes(tree);
    }

    private static Map<String, Object> party(AuditRecord.Party party) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", party == null ? null : party.type());
        out.put("id", party == null ? null : party.id());
        return out;
    }

    /**
     * The headers of one attempt made at {@code at}: {@code webhook-id}, {@code webhook-timestamp} (Unix seconds),
     * {@code webhook-signature} by each of {@code secrets} (the current one first), and the content type.
     */
    public static Map<String, String> headers(UUID deliveryId, Instant at, byte[] body, List<String> secrets) {
        String id = deliveryId.toString();
        long timestamp = at.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put(ID, id);
        headers.put(TIMESTAMP, Long.toString(timestamp));
        headers.put(SIGNATURE, Signatures.header(secrets, id, timestamp, body));
        return headers;
    }
}
