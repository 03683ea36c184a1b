-- Bulwark V63: several events of one organisation appended in one statement (docs/audit-chain.md, "Disclosures").
-- The audit log records a disclosure (a read that returned personal data) after the read's own transaction and before
-- the answer leaves, grouping the disclosures of one organisation that wait at the same moment: this function binds
-- the tenant for its statement (set_config(…, true), as ai_admission does; no user acts), takes the head's lock once,
-- chains every event exactly as audit_append (V41) does, in the order given, and moves the head once. Called in
-- auto-commit, so the head's lock is held for this statement and its commit only, never across a round trip to the
-- application. The hash is still defined by ChainCodec alone, and every hash is recomputed in Java by the chain check
-- and the offline verifier. SECURITY INVOKER: row-level security applies (the events' WITH CHECK and the webhook
-- outbox trigger see the bound tenant only).
CREATE FUNCTION audit_append_many(p_tenant uuid, p_ids uuid[], p_at text[], p_types text[], p_actor_types text[],
                                  p_actor_ids uuid[], p_entity_types text[], p_entity_ids text[], p_reasons text[],
                                  p_ips text[], p_user_agents text[], p_request_ids text[], p_befores bytea[],
                                  p_afters bytea[], p_salts bytea[], p_digests bytea[], p_versions integer[],
                                  p_payload_hashes bytea[], p_prefixes bytea[], p_middles bytea[], p_genesis bytea)
    RETURNS TABLE (appended_seq bigint, appended_hash bytea)
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
DECLARE
    previous_hash bytea;
    next_seq      bigint;
    seq_text      bytea;
    next_hash     bytea;
    n             integer := cardinality(p_ids);
BEGIN
    IF n IS NULL OR n = 0 THEN
        RETURN;
    END IF;
    IF cardinality(p_at) <> n OR cardinality(p_types) <> n OR cardinality(p_actor_types) <> n
        OR cardinality(p_actor_ids) <> n OR cardinality(p_entity_types) <> n OR cardinality(p_entity_ids) <> n
        OR cardinality(p_reasons) <> n OR cardinality(p_ips) <> n OR cardinality(p_user_agents) <> n
        OR cardinality(p_request_ids) <> n OR cardinality(p_befores) <> n OR cardinality(p_afters) <> n
        OR cardinality(p_salts) <> n OR cardinality(p_digests) <> n OR cardinality(p_versions) <> n
        OR cardinality(p_payload_hashes) <> n OR cardinality(p_prefixes) <> n OR cardinality(p_middles) <> n THEN
        RAISE EXCEPTION 'audit_append_many: arrays of different lengths' USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('app.tenant_id', p_tenant::text, true), set_config('app.user_id', '', true);
    -- Lock the head without writing it (one new row version a group, by the UPDATE below); create it on first use.
    SELECT h.seq, h.hash INTO next_seq, previous_hash FROM audit_heads h WHERE h.tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_heads AS h (tenant_id, seq, hash) VALUES (p_tenant, 0, p_genesis)
        ON CONFLICT (tenant_id) DO UPDATE SET seq = h.seq
        RETURNING h.seq, h.hash INTO next_seq, previous_hash;
    END IF;
    FOR i IN 1 .. n LOOP
        next_seq := next_seq + 1;
        seq_text := convert_to(next_seq::text, 'UTF8');
        next_hash := sha256(p_prefixes[i] || int4send(octet_length(seq_text)) || seq_text || p_middles[i]
                            || int4send(octet_length(previous_hash)) || previous_hash);
        INSERT INTO audit_events (tenant_id, seq, id, occurred_at, type, actor_type, actor_id, entity_type, entity_id,
                                  reason, ip, user_agent, request_id, before_ct, after_ct, data_salt, data_digest,
                                  hash_version, payload_hash, prev_hash, hash)
        VALUES (p_tenant, next_seq, p_ids[i], p_at[i]::timestamptz, p_types[i], p_actor_types[i], p_actor_ids[i],
                p_entity_types[i], p_entity_ids[i], p_reasons[i], p_ips[i], p_user_agents[i], p_request_ids[i],
                p_befores[i], p_afters[i], p_salts[i], p_digests[i], p_versions[i], p_payload_hashes[i], previous_hash,
                next_hash);
        appended_seq := next_seq;
        appended_hash := next_hash;
        RETURN NEXT;
        previous_hash := next_hash;
    END LOOP;
    UPDATE audit_heads SET seq = next_seq, hash = next_hash WHERE tenant_id = p_tenant;
END
$$;
REVOKE ALL ON FUNCTION audit_append_many(uuid, uuid[], text[], text[], text[], uuid[], text[], text[], text[], text[],
    text[], text[], bytea[], bytea[], bytea[], bytea[], integer[], bytea[], bytea[], bytea[], bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append_many(uuid, uuid[], text[], text[], text[], uuid[], text[], text[], text[], text[],
    text[], text[], bytea[], bytea[], bytea[], bytea[], integer[], bytea[], bytea[], bytea[], bytea) TO ${app_role};
