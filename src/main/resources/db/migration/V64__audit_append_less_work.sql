-- Bulwark V64: less work in every audit append (docs/benchmarks.md, "One gate per request").
-- 1. audit_append (V63) returns its row from its OUT columns (RETURN NEXT) instead of running a query for it.
-- 2. The webhook outbox trigger (V45) first asks whether the event's organisation has an enabled webhook at all, one
--    probe of webhooks_enabled_idx, and returns at once when it has none; only then does it run the insert into
--    webhook_deliveries and webhook_queue, whose set-up (two target tables, their indexes and policies) was paid by
--    every event before, deliveries or not. What is inserted, and when, is unchanged.
-- Grants, owners and the trigger itself stay as they are (CREATE OR REPLACE keeps them).
CREATE OR REPLACE FUNCTION audit_append(p_tenant uuid, p_id uuid, p_at timestamptz, p_type text, p_actor_type text,
                                        p_actor_id uuid, p_entity_type text, p_entity_id text, p_reason text, p_ip text,
                                        p_user_agent text, p_request_id text, p_before bytea, p_after bytea, p_salt bytea,
                                        p_digest bytea, p_version integer, p_payload_hash bytea, p_prefix bytea,
                                        p_middle bytea, p_genesis bytea)
    RETURNS TABLE (appended_seq bigint, appended_hash bytea)
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
DECLARE
    previous_seq  bigint;
    previous_hash bytea;
    next_seq      bigint;
    seq_text      bytea;
    next_hash     bytea;
BEGIN
    SELECT h.seq, h.hash INTO previous_seq, previous_hash FROM audit_heads h WHERE h.tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        -- The organisation's first event: create its head, or lock the one a concurrent first event just created.
        INSERT INTO audit_heads AS h (tenant_id, seq, hash) VALUES (p_tenant, 0, p_genesis)
        ON CONFLICT (tenant_id) DO UPDATE SET seq = h.seq
        RETURNING h.seq, h.hash INTO previous_seq, previous_hash;
    END IF;
    next_seq := previous_seq + 1;
    seq_text := convert_to(next_seq::text, 'UTF8');
    next_hash := sha256(p_prefix || int4send(octet_length(seq_text)) || seq_text || p_middle
                        || int4send(octet_length(previous_hash)) || previous_hash);
    INSERT INTO audit_events (tenant_id, seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id, reason,
                              ip, user_agent, request_id, before_ct, after_ct, data_salt, data_digest, hash_version,
                              payload_hash, prev_hash, hash)
    VALUES (p_tenant, next_seq, p_id, p_at, p_type, p_actor_type, p_actor_id, p_entity_type, p_entity_id, p_reason, p_ip,
            p_user_agent, p_request_id, p_before, p_after, p_salt, p_digest, p_version, p_payload_hash, previous_hash,
            next_hash);
    UPDATE audit_heads SET seq = next_seq, hash = next_hash WHERE tenant_id = p_tenant;
    appended_seq := next_seq;
    appended_hash := next_hash;
    RETURN NEXT;
END
$$;

CREATE OR REPLACE FUNCTION webhook_outbox() RETURNS trigger
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.tenant_id = NEW.tenant_id AND w.enabled) THEN
        RETURN NULL;
    END IF;
    WITH queued AS (
        INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, event_id, event_type, created_at, next_attempt_at)
        SELECT w.tenant_id, webhook_uuid_v7(), w.id, NEW.id, NEW.type, now(), now()
        FROM webhooks w
        WHERE w.tenant_id = NEW.tenant_id AND w.enabled AND (NEW.type = ANY (w.events) OR '*' = ANY (w.events))
        RETURNING tenant_id, id, next_attempt_at)
    INSERT INTO webhook_queue (delivery_id, tenant_id, due_at)
    SELECT id, tenant_id, next_attempt_at FROM queued;
    RETURN NULL;
END
$$;
