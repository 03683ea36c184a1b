-- Bulwark V13: each organisation's own keys (docs/encryption.md). Two Tink keysets per tenant — AES-256-GCM for
-- fields, HMAC-SHA256 for blind indexes — each stored only wrapped (encrypted) by the root key, with the tenant and
-- purpose as associated data, so a wrapped keyset copied to another tenant does not open.

-- TENANT: one row per organisation, created on first use.
CREATE TABLE tenant_keys (
    tenant_id      uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    data_keyset    bytea       NOT NULL,
    index_keyset   bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id)
);
ALTER TABLE tenant_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON tenant_keys TO ${app_role};
