-- Bulwark V14: contacts' personal data under the organisation's key (docs/encryption.md). Name, email, phone and
-- notes are stored as FieldCipher ciphertexts (AES-256-GCM, bound to tenant, table, column and row); email also as a
-- keyed blind index for ?email= lookups and erasure. Length and format rules move to the application, which
-- validates before encrypting.
-- Rows written before this migration keep their plaintext columns and are read as they are until re-encrypted
-- (the re-encryption job of docs/encryption.md); every write from now on stores ciphertext only.
ALTER TABLE contacts ALTER COLUMN name DROP NOT NULL;
ALTER TABLE contacts
    ADD COLUMN name_ct    bytea,
    ADD COLUMN email_ct   bytea,
    ADD COLUMN phone_ct   bytea,
    ADD COLUMN notes_ct   bytea,
    ADD COLUMN email_bidx bytea CHECK (octet_length(email_bidx) <= 64);
ALTER TABLE contacts ADD CONSTRAINT contacts_name_present CHECK (name IS NOT NULL OR name_ct IS NOT NULL);
CREATE INDEX contacts_email_bidx_idx ON contacts (tenant_id, email_bidx, created_at, id);
