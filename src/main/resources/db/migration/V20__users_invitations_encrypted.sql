-- Bulwark V20: a user's login email and name under the platform organisation's keys, and invitation emails kept only
-- as a keyed blind index (docs/encryption.md).
--  * users: email and name become FieldCipher ciphertexts bound to the user; sign-in and the one-account-per-address
--    rule go through email_bidx, an HMAC of the lower-cased email under the platform's index key. Rows from before are
--    encrypted at the next start (identity/internal/PlaintextBackfill.java), which then clears the plaintext columns.
--  * invitations: the invited address is needed only to match the person who accepts, so only its blind index under
--    the organisation's key is kept, and the plaintext column is dropped. An invitation sent before this migration has
--    no index and can no longer be accepted (Invitations.pending treats it as void): it must be sent again.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ALTER COLUMN name DROP NOT NULL;
ALTER TABLE users ADD COLUMN email_ct bytea;
ALTER TABLE users ADD COLUMN name_ct bytea;
ALTER TABLE users ADD COLUMN email_bidx bytea CHECK (octet_length(email_bidx) <= 64);
-- The backfill finds rows still in plaintext through this index.
CREATE INDEX users_plaintext_idx ON users (id) WHERE email IS NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_email_present
    CHECK ((email IS NOT NULL AND name IS NOT NULL) OR (email_ct IS NOT NULL AND name_ct IS NOT NULL AND email_bidx IS NOT NULL));
-- One account per address: the blind index is unique (the lower(email) index still guards rows not yet encrypted).
CREATE UNIQUE INDEX users_email_bidx_key ON users (email_bidx);

ALTER TABLE invitations DROP COLUMN email;
ALTER TABLE invitations ADD COLUMN email_bidx bytea CHECK (octet_length(email_bidx) <= 64);

-- login_throttle: an email's failure counters were keyed by a bare SHA-256 of the address, which a guessed address
-- matches. They are now keyed by its blind index under the platform's index key (37 bytes: Tink's prefix and the
-- tag). The old rows are dropped: counters restart at the upgrade rather than keep a guessable hash of every address.
DELETE FROM login_throttle;
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_subject_hash_check;
ALTER TABLE login_throttle ADD CONSTRAINT login_throttle_subject_hash_check CHECK (octet_length(subject_hash) <= 64);

-- Re-encryption also encrypts a kept document version still in plaintext (from before V15) and clears that column.
GRANT UPDATE (body) ON document_versions TO ${app_role};
