-- Bulwark V26: account-takeover defences (docs/authentication.md#account-takeover-defences).
--  * mail_outbox: every mail Bulwark sends, and every password-reset request, is written here in the acting
--    transaction and sent after it commits, with retries (identity/internal/MailOutbox.java). A request that names an
--    unknown address writes the same one row as one that names an account, so neither answer reveals which it was.
--  * invitations: the invited address under the organisation's key (to list pending invitations), and revocation.
--  * users: a second blind index of the login address under a looser comparison (Unicode compatibility folding and
--    full case folding), so a sign-up that only looks like an existing address is refused.

-- TENANT: mail not yet sent. Always the platform organisation's rows (tenant_id = the all-zero id): mail is a platform
-- matter, and its recipient, subject and body (which may carry a single-use token) are one FieldCipher ciphertext under
-- the platform's keys, bound to the row. Deleted once sent or given up.
CREATE TABLE mail_outbox (
    tenant_id        uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id               uuid        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('mail', 'password_reset')),
    payload_ct       bytea       NOT NULL CHECK (octet_length(payload_ct) <= 1048576),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (tenant_id, next_attempt_at);
ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_outbox
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON mail_outbox TO ${app_role};

-- The invited address, under the organisation's key (rows from before have none: listed without an address).
ALTER TABLE invitations ADD COLUMN email_ct bytea;
-- A revoked invitation's token stops working at once.
ALTER TABLE invitations ADD COLUMN revoked_at timestamptz;
ALTER TABLE invitations ADD COLUMN revoked_by uuid REFERENCES users (id) ON DELETE SET NULL;

-- The look-alike index: not unique (accounts from before may share it); sign-up refuses a new address that matches.
ALTER TABLE users ADD COLUMN email_lookalike_bidx bytea CHECK (octet_length(email_lookalike_bidx) <= 64);
CREATE INDEX users_email_lookalike_idx ON users (email_lookalike_bidx);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose) WHERE used_at IS NULL;

-- A key revoked because its creator's account was taken back by the owner of its address.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_revoked_reason_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_revoked_reason_check
    CHECK (revoked_reason IN ('revoked', 'leak-reported', 'account-reclaimed'));
