-- Bulwark V42: sealing the identity module's plaintext from before encryption (docs/encryption.md). TOTP seeds enrolled
-- before V19 (totp_factors.secret) and accounts from before V20 (users.email, users.name) are encrypted at start-up,
-- before serving, by identity/internal/PlaintextBackfill.java; from then on a plaintext value is refused, never used.
-- The plaintext columns stay: a migration runs before that step, so dropping them here would lose the rows it has yet
-- to seal.
--
-- totp_factors is a user table whose row-level security is FORCEd, so neither the app role nor the owner sees more
-- than the bound user's row: the start-up step cannot find the seeds still in plaintext by itself. This migration,
-- which the owner runs in one transaction, lifts FORCE for the one statement that marks their users
-- (users.totp_seed_in_plaintext, nothing of the seed) and restores it before the transaction ends; the table lock the
-- ALTER takes keeps every other session out meanwhile. The step then binds each marked user and seals their row under
-- row-level security, as any other write does, and clears the mark. A seed written in plaintext after this migration
-- is not marked: it is refused wherever it is read, as every plaintext value is.
ALTER TABLE users ADD COLUMN totp_seed_in_plaintext boolean NOT NULL DEFAULT false;
ALTER TABLE totp_factors NO FORCE ROW LEVEL SECURITY;
UPDATE users SET totp_seed_in_plaintext = true
WHERE id IN (SELECT user_id FROM totp_factors WHERE secret IS NOT NULL);
ALTER TABLE totp_factors FORCE ROW LEVEL SECURITY;
CREATE INDEX users_totp_seed_in_plaintext_idx ON users (id) WHERE totp_seed_in_plaintext;
-- Each start looks for accounts in plaintext: an index probe, not a scan of every account.
DROP INDEX users_plaintext_idx;
CREATE INDEX users_plaintext_idx ON users (id) WHERE email IS NOT NULL OR name IS NOT NULL;
