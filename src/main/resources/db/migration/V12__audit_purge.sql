-- Bulwark V12: purging expired audit events (retention) without breaking verification (docs/audit-chain.md, "Purging").

-- TENANT: where each purged chain now starts. A purge removes events 1..up_to_seq, only up to a signed checkpoint's
-- size; the chain then starts from anchor_hash (the hash of event up_to_seq, which event up_to_seq + 1 names as its
-- previous hash) and the Merkle tree from that checkpoint's frontier, which the verifier checks against the
-- checkpoint's signed root.
CREATE TABLE audit_purges (
    tenant_id    uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    up_to_seq    bigint      NOT NULL CHECK (up_to_seq >= 1),
    anchor_hash  bytea       NOT NULL CHECK (octet_length(anchor_hash) = 32),
    frontier     bytea       NOT NULL CHECK (octet_length(frontier) % 32 = 0),
    purged_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, up_to_seq)
);
ALTER TABLE audit_purges ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_purges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_purges
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- Read only: rows are written by audit_purge below, nowhere else.
GRANT SELECT ON audit_purges TO ${app_role};

-- The one path that deletes chain rows: the bound tenant's events up to a checkpointed size, in order (never a row
-- from the middle), recording the anchor first. SECURITY DEFINER runs as the owner, still under FORCE RLS.
-- Callers record the purge itself as an event in the same transaction.
CREATE FUNCTION audit_purge(up_to bigint, purged timestamptz) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
DECLARE
    tenant   uuid := NULLIF(current_setting('app.tenant_id', true), '')::uuid;
    boundary bytea;
    anchor   bytea;
    removed  integer;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'audit_purge needs a bound tenant';
    END IF;
    SELECT c.frontier INTO boundary FROM audit_checkpoints c WHERE c.tenant_id = tenant AND c.tree_size = up_to;
    IF boundary IS NULL THEN
        RAISE EXCEPTION 'audit_purge: % is not the size of a checkpoint', up_to;
    END IF;
    SELECT e.hash INTO anchor FROM audit_events e WHERE e.tenant_id = tenant AND e.seq = up_to;
    IF anchor IS NULL THEN
        RETURN 0; -- already purged through up_to
    END IF;
    INSERT INTO audit_purges (tenant_id, up_to_seq, anchor_hash, frontier, purged_at)
    VALUES (tenant, up_to, anchor, boundary, purged);
    DELETE FROM audit_events e WHERE e.tenant_id = tenant AND e.seq <= up_to;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION audit_purge(bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_purge(bigint, timestamptz) TO ${app_role};
