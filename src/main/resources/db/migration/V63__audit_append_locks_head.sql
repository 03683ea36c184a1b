-- Bulwark V63: audit_append (V41) takes the chain's head with SELECT … FOR UPDATE and moves it with one UPDATE
-- (docs/audit-chain.md, "Ordering"). V41 took it with a no-op upsert and then updated it again: two new versions of
-- the head row per event, where one is enough. The upsert stays for an organisation's first event only, when there is
-- no head yet to lock. The encoding, the hash and what is inserted are unchanged.
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
    RETURN QUERY SELECT next_seq, next_hash;
END
$$;
