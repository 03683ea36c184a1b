-- Bulwark V3: second factors. TOTP seeds must be read back, so the encryption work moves them under the platform
-- key; recovery codes are stored as Argon2id hashes only.

-- USER: a user's TOTP factor (RFC 6238). Unconfirmed until a first code proves the authenticator has the seed.
CREATE TABLE totp_factors (
    user_id         uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret          text        NOT NULL,
    created_at      timestamptz NOT NULL,
    confirmed_at    timestamptz,
    -- The last 30-second step accepted: a code is accepted once, never again.
    last_used_step  bigint      NOT NULL DEFAULT 0
);
ALTER TABLE totp_factors ENABLE ROW LEVEL SECURITY;
ALTER TABLE totp_factors FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON totp_factors
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON totp_factors TO ${app_role};

-- USER: single-use recovery codes, hashed.
CREATE TABLE recovery_codes (
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id          uuid        NOT NULL,
    code_hash   text        NOT NULL,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (user_id, id)
);
ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON recovery_codes
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes TO ${app_role};

-- GLOBAL: the pending second step of a sign-in, found by the hash of its mfaToken before any user is bound.
-- Hashes, ids, counters.
CREATE TABLE mfa_challenges (
    token_hash  bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0
);
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_challenges TO ${app_role};
