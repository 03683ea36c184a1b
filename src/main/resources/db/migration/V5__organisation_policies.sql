-- Bulwark V5: each organisation's security policy. No row means the defaults (nothing required, 10-minute step-up).

-- TENANT: one row per organisation that changed its policy.
CREATE TABLE organisation_policies (
    tenant_id               uuid        PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    require_mfa             boolean     NOT NULL DEFAULT false,
    require_verified_email  boolean     NOT NULL DEFAULT false,
    step_up_window_seconds  integer     NOT NULL DEFAULT 600 CHECK (step_up_window_seconds BETWEEN 60 AND 3600),
    updated_at              timestamptz NOT NULL,
    updated_by              uuid        REFERENCES users (id) ON DELETE SET NULL
);
ALTER TABLE organisation_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisation_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organisation_policies
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON organisation_policies TO ${app_role};
