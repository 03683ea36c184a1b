-- Bulwark V6: passkeys (WebAuthn credentials) and their one-time challenges.

-- USER: a user's registered passkeys. The credential's public key lives in its attested credential data.
CREATE TABLE passkeys (
    user_id                   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id             bytea       NOT NULL CHECK (octet_length(credential_id) BETWEEN 16 AND 1023),
    attested_credential_data  bytea       NOT NULL,
    sign_count                bigint      NOT NULL DEFAULT 0,
    name                      text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at                timestamptz NOT NULL,
    last_used_at              timestamptz,
    PRIMARY KEY (user_id, credential_id)
);
ALTER TABLE passkeys ENABLE ROW LEVEL SECURITY;
ALTER TABLE passkeys FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON passkeys
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON passkeys TO ${app_role};

-- GLOBAL: credential-id hash -> user, so a passwordless sign-in finds its user before any user is bound.
CREATE TABLE passkey_index (
    credential_hash  bytea PRIMARY KEY CHECK (octet_length(credential_hash) = 32),
    user_id          uuid  NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
GRANT SELECT, INSERT, DELETE ON passkey_index TO ${app_role};

-- GLOBAL: WebAuthn challenges by hash, each usable once within five minutes. Hashes, ids, times.
CREATE TABLE webauthn_challenges (
    challenge_hash  bytea       PRIMARY KEY CHECK (octet_length(challenge_hash) = 32),
    purpose         text        NOT NULL CHECK (purpose IN ('register', 'authenticate')),
    user_id         uuid        REFERENCES users (id) ON DELETE CASCADE,
    expires_at      timestamptz NOT NULL
);
GRANT SELECT, INSERT, DELETE ON webauthn_challenges TO ${app_role};
