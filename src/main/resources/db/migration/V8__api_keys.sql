-- Bulwark V8: API keys, least-privilege principals of an organisation. The key itself is shown once and stored
-- only as its SHA-256 (a 190-bit random secret needs no slow hash); a global index finds the key's organisation
-- before any tenant is bound.

-- TENANT: one row per key. A project-scoped key goes with its project.
CREATE TABLE api_keys (
    tenant_id       uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid        NOT NULL,
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    role            text        NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'AUDITOR')),
    project_id      uuid,
    created_by      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prefix          text        NOT NULL CHECK (char_length(prefix) = 12),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    revoked_reason  text        CHECK (revoked_reason IN ('revoked', 'leak-reported')),
    last_used_at    timestamptz,
    last_used_ip    text        CHECK (char_length(last_used_ip) <= 64),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX api_keys_page_idx ON api_keys (tenant_id, created_at, id);
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- No DELETE: a revoked key stays listed as revoked.
GRANT SELECT, INSERT, UPDATE ON api_keys TO ${app_role};

-- GLOBAL: key hash -> (organisation, key id), so a request finds its key's tenant before binding it. Hashes, ids.
CREATE TABLE api_key_index (
    key_hash   bytea PRIMARY KEY CHECK (octet_length(key_hash) = 32),
    tenant_id  uuid  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    key_id     uuid  NOT NULL
);
GRANT SELECT, INSERT ON api_key_index TO ${app_role};

-- An organisation may cap how long its keys live (no row or NULL: no cap).
ALTER TABLE organisation_policies
    ADD COLUMN api_key_max_lifetime_days integer CHECK (api_key_max_lifetime_days BETWEEN 1 AND 3650);
