-- Bulwark V11: signed Merkle checkpoints over each tenant's audit chain (docs/audit-chain.md, "Checkpoints").

-- The chain heads become a GLOBAL table (tenancy.GlobalTables): the checkpointer must find the tenants whose log grew
-- without binding each of them in turn. A head holds a tenant id, a counter and a hash, never customer data, and the
-- verifier checks it against the chain it names.
DROP POLICY tenant_isolation ON audit_heads;
ALTER TABLE audit_heads NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_heads DISABLE ROW LEVEL SECURITY;

-- GLOBAL: how far each tenant's log has been checkpointed. Kept apart from audit_heads so that marking a checkpoint
-- never takes the row lock every append of that tenant waits for.
CREATE TABLE audit_checkpointed (
    tenant_id  uuid   NOT NULL PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    tree_size  bigint NOT NULL CHECK (tree_size >= 1)
);
GRANT SELECT, INSERT, UPDATE ON audit_checkpointed TO ${app_role};

-- TENANT: every signed checkpoint. frontier is the compact range (the roots of the perfect subtrees that make up the
-- tree, largest first, 32 bytes each), from which the next checkpoint extends without re-reading older events.
CREATE TABLE audit_checkpoints (
    tenant_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    tree_size   bigint      NOT NULL CHECK (tree_size >= 1),
    root_hash   bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
    frontier    bytea       NOT NULL CHECK (octet_length(frontier) % 32 = 0),
    note        text        NOT NULL CHECK (char_length(note) <= 2000),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, tree_size)
);
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoints
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT ON audit_checkpoints TO ${app_role};
