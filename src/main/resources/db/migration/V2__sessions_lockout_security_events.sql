-- Bulwark V2: sign-in sessions, rotating refresh tokens, per-email lockout, and the interim security-event table
-- (the audit-log work replaces it with the per-tenant hash chain).

-- USER: one row per sign-in. Access tokens name it (sid) and stop working as soon as it is revoked.
CREATE TABLE sessions (
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id                  uuid        NOT NULL,
    created_at          timestamptz NOT NULL,
    last_used_at        timestamptz NOT NULL,
    idle_expires_at     timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    factor_verified_at  timestamptz NOT NULL,
    ip                  text        CHECK (char_length(ip) <= 64),
    user_agent          text        CHECK (char_length(user_agent) <= 512),
    revoked_at          timestamptz,
    revoked_reason      text        CHECK (revoked_reason IN ('logout', 'user', 'token_reuse', 'password_changed', 'factor_changed', 'removed')),
    PRIMARY KEY (user_id, id)
);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON sessions
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON sessions TO ${app_role};

-- USER: every refresh token a session was given. Spent ones stay, so presenting one again is recognised as reuse.
CREATE TABLE refresh_tokens (
    user_id     uuid        NOT NULL,
    token_hash  bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    session_id  uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    spent_at    timestamptz,
    PRIMARY KEY (user_id, token_hash),
    FOREIGN KEY (user_id, session_id) REFERENCES sessions (user_id, id) ON DELETE CASCADE
);
ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON refresh_tokens
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON refresh_tokens TO ${app_role};

-- GLOBAL: refresh-token hash -> user, so a refresh finds its user before any user is bound. Hashes and ids only.
CREATE TABLE refresh_token_index (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     uuid  NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
GRANT SELECT, INSERT ON refresh_token_index TO ${app_role};

-- GLOBAL: consecutive sign-in failures per email, known or not (so lockout reveals nothing), keyed by a hash of
-- the normalised email. Hashes and counters only.
CREATE TABLE login_throttle (
    subject_hash  bytea       PRIMARY KEY CHECK (octet_length(subject_hash) = 32),
    failures      integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lockouts      integer     NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until  timestamptz,
    updated_at    timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO ${app_role};

-- The platform's own organisation: events tied to no customer org (a failed sign-in for an unknown email) land
-- here. No user is ever a member of it.
INSERT INTO organisations (id, name, created_at) VALUES ('00000000-0000-0000-0000-000000000000', 'Bulwark platform', now());

-- TENANT: security events, one row per organisation concerned (a user's sign-in goes to each of their orgs).
CREATE TABLE security_events (
    tenant_id    uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           uuid        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    type         text        NOT NULL CHECK (type ~ '^[a-z]+(\.[a-z_]+)+$'),
    actor_type   text        NOT NULL CHECK (actor_type IN ('user', 'apikey', 'system', 'anonymous')),
    actor_id     uuid,
    ip           text        CHECK (char_length(ip) <= 64),
    user_agent   text        CHECK (char_length(user_agent) <= 512),
    request_id   text        CHECK (char_length(request_id) <= 64),
    details      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX security_events_type_idx ON security_events (tenant_id, type, occurred_at);
ALTER TABLE security_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON security_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- Append-only for the app role.
GRANT SELECT, INSERT ON security_events TO ${app_role};
