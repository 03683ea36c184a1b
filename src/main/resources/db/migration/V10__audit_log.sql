-- Bulwark V10: the tamper-evident audit log (docs/audit-chain.md). One hash chain per tenant; the platform
-- organisation of V2 holds the chain of events tied to no customer organisation. It replaces the interim
-- security_events table of V2, whose rows are not carried over (they were never chained, so there is nothing
-- to vouch for them).

DROP TABLE security_events;

-- TENANT: one row per event, never updated or deleted by the app role. hash = SHA-256 over (hash_version, tenant,
-- seq, id, occurred_at, type, payload_hash, prev_hash); payload_hash covers every other field, with before/after
-- reduced to data_digest, which is what lets erasure remove them (redacted) while the chain still verifies.
CREATE TABLE audit_events (
    tenant_id     uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    seq           bigint      NOT NULL CHECK (seq >= 1),
    id            uuid        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    type          text        NOT NULL CHECK (type ~ '^[a-z]+(\.[a-z_]+)+$'),
    actor_type    text        NOT NULL CHECK (actor_type IN ('user', 'apikey', 'system', 'anonymous')),
    actor_id      uuid,
    entity_type   text        CHECK (char_length(entity_type) <= 64),
    entity_id     text        CHECK (char_length(entity_id) <= 64),
    reason        text        CHECK (char_length(reason) <= 500),
    ip            text        CHECK (char_length(ip) <= 64),
    user_agent    text        CHECK (char_length(user_agent) <= 512),
    request_id    text        CHECK (char_length(request_id) <= 64),
    before_json   text,
    after_json    text,
    data_salt     bytea       CHECK (octet_length(data_salt) = 16),
    data_digest   bytea       CHECK (octet_length(data_digest) = 32),
    redacted_at   timestamptz,
    hash_version  smallint    NOT NULL,
    payload_hash  bytea       NOT NULL CHECK (octet_length(payload_hash) = 32),
    prev_hash     bytea       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash          bytea       NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (tenant_id, seq),
    UNIQUE (tenant_id, id)
);
CREATE INDEX audit_events_type_idx ON audit_events (tenant_id, type, seq);
CREATE INDEX audit_events_actor_idx ON audit_events (tenant_id, actor_id, seq);
CREATE INDEX audit_events_entity_idx ON audit_events (tenant_id, entity_id, seq);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- Append-only: INSERT and SELECT, nothing else. Erasure goes through audit_redact below.
GRANT SELECT, INSERT ON audit_events TO ${app_role};

-- TENANT: each chain's head (last seq and hash). Locked by every append, so one tenant's appends are serial,
-- gap-free and fork-free; different tenants never wait for each other.
CREATE TABLE audit_heads (
    tenant_id  uuid   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    seq        bigint NOT NULL CHECK (seq >= 0),
    hash       bytea  NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (tenant_id)
);
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON audit_heads TO ${app_role};

-- The one narrow path that changes chain rows: removing the personal data (before/after and the salt that keyed
-- their digest) of the bound tenant's events. Everything the chain hashes stays, so the verifier reports the rows
-- as redacted and intact. SECURITY DEFINER runs as the owner, still under FORCE RLS: only the bound tenant's rows.
-- Callers append their own audited event for the erasure in the same transaction.
CREATE FUNCTION audit_redact(event_ids uuid[], redacted timestamptz) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
    WITH changed AS (
        UPDATE audit_events
        SET before_json = NULL, after_json = NULL, data_salt = NULL, redacted_at = redacted
        WHERE tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
          AND id = ANY (event_ids) AND data_digest IS NOT NULL AND redacted_at IS NULL
        RETURNING 1)
    SELECT count(*)::integer FROM changed
$$;
REVOKE ALL ON FUNCTION audit_redact(uuid[], timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_redact(uuid[], timestamptz) TO ${app_role};
