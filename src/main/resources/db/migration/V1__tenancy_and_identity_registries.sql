-- Bulwark V1: the registries (global) and memberships (the first tenant table).
-- Runs as the owner role. The app role (${app_role}) gets exactly the privileges granted here and owns nothing.
-- Every table is one of three kinds (docs/architecture.md); IsolationCatalog fails the build otherwise.

GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO ${app_role};

-- GLOBAL: the registry of tenants. A request finds its organisation before any tenant is bound.
CREATE TABLE organisations (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON organisations TO ${app_role};

-- GLOBAL: the registry of accounts. Sign-in finds a user by email before any tenant is bound.
-- (Email and name move under a platform key with a blind index in the encryption work.)
CREATE TABLE users (
    id                 uuid        PRIMARY KEY,
    email              text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    password_hash      text        NOT NULL,
    email_verified_at  timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);
-- One account per address, whatever its letter case.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
GRANT SELECT, INSERT, UPDATE ON users TO ${app_role};

-- TENANT: who belongs to which organisation, with which role.
CREATE TABLE memberships (
    tenant_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text        NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'AUDITOR')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- FORCE: row-level security applies to the table owner too, so no role but a superuser sees across tenants.
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
-- NULLIF: a pooled connection that once ran SET LOCAL reads '' afterwards, and ''::uuid would throw.
CREATE POLICY tenant_isolation ON memberships
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- A user may read (only read) their own memberships in every organisation, so /me can list them.
CREATE POLICY own_rows_read ON memberships FOR SELECT
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO ${app_role};
