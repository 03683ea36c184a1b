-- Bulwark V22: retention that is enforced, erasure and organisation deletion (docs/privacy.md).

-- TENANT: each organisation's retention period per data class, seeded with the documented defaults when the organisation
-- is created (tenancy/DataClass.java). Organisations from before get the defaults here, before row-level security is
-- switched on (the owner role is bound by FORCE too).
CREATE TABLE retention_policies (
    tenant_id       uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    data_class      text        NOT NULL CHECK (data_class IN ('interaction.call', 'interaction.chat', 'interaction.email',
                                                               'interaction.note', 'ai.usage', 'audit.log')),
    retention_days  integer     NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    updated_at      timestamptz NOT NULL,
    updated_by      uuid        REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (tenant_id, data_class)
);
INSERT INTO retention_policies (tenant_id, data_class, retention_days, updated_at)
SELECT o.id, d.data_class, d.days, now()
FROM organisations o CROSS JOIN (VALUES ('interaction.call', 365), ('interaction.chat', 365), ('interaction.email', 730),
                                        ('interaction.note', 730), ('ai.usage', 90), ('audit.log', 2555)) AS d (data_class, days);
ALTER TABLE retention_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON retention_policies
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON retention_policies TO ${app_role};

-- TENANT: usage of AI features (feature, model, token counts), recorded by products built on Bulwark; data class
-- ai.usage. Nothing personal beyond who used it.
CREATE TABLE ai_usage (
    tenant_id      uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id             uuid        NOT NULL,
    user_id        uuid        REFERENCES users (id) ON DELETE SET NULL,
    feature        text        NOT NULL CHECK (char_length(feature) BETWEEN 1 AND 100),
    model          text        NOT NULL CHECK (char_length(model) BETWEEN 1 AND 100),
    input_tokens   integer     NOT NULL CHECK (input_tokens >= 0),
    output_tokens  integer     NOT NULL CHECK (output_tokens >= 0),
    occurred_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ai_usage_retention_idx ON ai_usage (tenant_id, occurred_at);
ALTER TABLE ai_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ai_usage
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, DELETE ON ai_usage TO ${app_role};

-- TENANT: erasures done, by the keyed blind index of the erased address (never the address, never an unkeyed
-- hash), so that a second request for the same address can say it was already erased, and when.
CREATE TABLE erasures (
    tenant_id      uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    subject_index  bytea       NOT NULL CHECK (octet_length(subject_index) <= 64),
    erased_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, subject_index)
);
ALTER TABLE erasures ENABLE ROW LEVEL SECURITY;
ALTER TABLE erasures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON erasures
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT ON erasures TO ${app_role};

-- Organisation state: legal hold suspends every purge; deletion disables at once and purges after a grace period.
ALTER TABLE organisations ADD COLUMN legal_hold_since timestamptz;
ALTER TABLE organisations ADD COLUMN disabled_at timestamptz;
ALTER TABLE organisations ADD COLUMN purge_after timestamptz;
ALTER TABLE organisations ADD COLUMN purged_at timestamptz;
ALTER TABLE organisations ADD CONSTRAINT organisations_deletion_consistent
    CHECK ((disabled_at IS NULL) = (purge_after IS NULL) AND (purged_at IS NULL OR disabled_at IS NOT NULL));

-- GLOBAL: the retention enforcer's lease, so that one run at a time goes over every organisation whichever
-- instance starts it, and when it last ran (ids and times only).
CREATE TABLE retention_runs (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    running_until  timestamptz,
    last_started   timestamptz,
    last_finished  timestamptz
);
INSERT INTO retention_runs (id) VALUES (1);
GRANT SELECT, UPDATE ON retention_runs TO ${app_role};
