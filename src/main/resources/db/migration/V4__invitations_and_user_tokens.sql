-- Bulwark V4: invitations into an organisation, and single-use tokens mailed to a user (email verification,
-- password reset). Only token hashes are stored.

-- TENANT: an invitation to join the organisation with a role. (The invited email moves under the tenant key with
-- the encryption work.)
CREATE TABLE invitations (
    tenant_id    uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           uuid        NOT NULL,
    email        text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    role         text        NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'AUDITOR')),
    invited_by   uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  uuid        REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON invitations TO ${app_role};

-- GLOBAL: invitation-token hash -> (organisation, invitation), so accepting finds the tenant before binding it.
CREATE TABLE invitation_index (
    token_hash     bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    tenant_id      uuid  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    invitation_id  uuid  NOT NULL
);
GRANT SELECT, INSERT ON invitation_index TO ${app_role};

-- GLOBAL: single-use tokens mailed to a user, by hash: found before any user is bound. Hashes, ids, times.
CREATE TABLE user_tokens (
    token_hash  bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text        NOT NULL CHECK (purpose IN ('email_verification', 'password_reset')),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
GRANT SELECT, INSERT, UPDATE ON user_tokens TO ${app_role};
