-- Bulwark V21: customer-managed keys and the re-encryption job (docs/encryption.md).
--  * tenant_keys.kms_uri: set when the organisation's OWNER points it at their own KMS key (BYOK); its keysets are
--    then wrapped by that key instead of Bulwark's root key. rotated_at: when the data key last got a new primary.
--  * key_reencryption_queue: organisations whose data key was rotated and whose ciphertexts still await
--    re-encryption. Any instance takes one for a lease (claimed_until), works through batches and deletes the row
--    when nothing is left under an older key; a crashed instance's lease runs out and another takes over.
ALTER TABLE tenant_keys ADD COLUMN kms_uri text CHECK (char_length(kms_uri) BETWEEN 1 AND 2048);
ALTER TABLE tenant_keys ADD COLUMN rotated_at timestamptz;

-- GLOBAL: found by the job before any tenant is bound (ids and times only).
CREATE TABLE key_reencryption_queue (
    tenant_id      uuid        PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    requested_at   timestamptz NOT NULL,
    claimed_until  timestamptz
);
GRANT SELECT, INSERT, UPDATE, DELETE ON key_reencryption_queue TO ${app_role};
