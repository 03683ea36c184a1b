-- Bulwark V48: the AI gateway (docs/ai-gateway.md). Every AI call of a product on Bulwark goes through it: the
-- organisation's policy decides whether and where, its own provider keys may replace the platform's, and every call
-- that reaches the gateway leaves exactly one usage record, never the prompt or the output.

-- TENANT: each organisation's AI policy. No row: AI is off, no provider is allowed, any region, never auto-send.
CREATE TABLE ai_policies (
    tenant_id            uuid          NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    enabled              boolean       NOT NULL,
    providers            text[]        NOT NULL CHECK (cardinality(providers) <= 50),
    regions              text[]        NOT NULL CHECK (cardinality(regions) <= 50),
    auto_send_threshold  numeric(4, 3) CHECK (auto_send_threshold BETWEEN 0 AND 1),
    updated_at           timestamptz   NOT NULL,
    updated_by           uuid          REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (tenant_id)
);
ALTER TABLE ai_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ai_policies
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- DELETE for the purge of a deleted organisation.
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_policies TO ${app_role};

-- TENANT: an organisation's own key for a provider (bring your own key), used instead of the platform's. The key is
-- encrypted under the organisation's data key (api_key_ct, bound to the row id); only its last four characters are
-- kept in the clear, to tell keys apart.
CREATE TABLE ai_provider_keys (
    tenant_id    uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    provider_id  text        NOT NULL CHECK (char_length(provider_id) BETWEEN 1 AND 64),
    id           uuid        NOT NULL,
    api_key_ct   bytea       NOT NULL,
    hint         text        NOT NULL CHECK (char_length(hint) <= 4),
    set_at       timestamptz NOT NULL,
    set_by       uuid        REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (tenant_id, provider_id),
    UNIQUE (tenant_id, id)
);
ALTER TABLE ai_provider_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_provider_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ai_provider_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_provider_keys TO ${app_role};

-- ai_usage (V22) becomes the gateway's receipt: one row per call that reached it, answered, refused or failed, written
-- once in the transaction that records its audit event (never updated). Hashes, counts, times and names only: never
-- the prompt or the output. Rows from before the gateway keep their columns and have no outcome. `feature` holds the
-- purpose the caller gave.
ALTER TABLE ai_usage ALTER COLUMN input_tokens DROP NOT NULL;
ALTER TABLE ai_usage ALTER COLUMN output_tokens DROP NOT NULL;
ALTER TABLE ai_usage ADD COLUMN api_key_id uuid;
ALTER TABLE ai_usage ADD COLUMN provider text CHECK (char_length(provider) BETWEEN 1 AND 64);
ALTER TABLE ai_usage ADD COLUMN region text CHECK (char_length(region) <= 64);
ALTER TABLE ai_usage ADD COLUMN prompt_sha256 bytea CHECK (octet_length(prompt_sha256) = 32);
ALTER TABLE ai_usage ADD COLUMN output_sha256 bytea CHECK (octet_length(output_sha256) = 32);
ALTER TABLE ai_usage ADD COLUMN context_refs jsonb;
ALTER TABLE ai_usage ADD COLUMN latency_ms numeric(12, 3) CHECK (latency_ms >= 0);
ALTER TABLE ai_usage ADD COLUMN overhead_ms numeric(12, 3) CHECK (overhead_ms >= 0);
ALTER TABLE ai_usage ADD COLUMN cost_usd numeric(20, 10) CHECK (cost_usd >= 0);
ALTER TABLE ai_usage ADD COLUMN outcome text CHECK (outcome IN ('answered', 'refused', 'failed'));
ALTER TABLE ai_usage ADD COLUMN problem text CHECK (char_length(problem) <= 64);
ALTER TABLE ai_usage ADD CONSTRAINT ai_usage_outcome_explained
    CHECK (outcome IS NULL OR (outcome = 'answered') = (problem IS NULL));
CREATE INDEX ai_usage_page_idx ON ai_usage (tenant_id, occurred_at DESC, id DESC);
