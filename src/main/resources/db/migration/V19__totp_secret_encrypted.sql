-- Bulwark V19: TOTP seeds under the platform organisation's key (docs/encryption.md): a seed is a secret Bulwark must
-- read back, so it is stored as a FieldCipher ciphertext bound to the user. Seeds enrolled before this migration stay
-- readable as they are until the user enrols again.
ALTER TABLE totp_factors ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE totp_factors ADD COLUMN secret_ct bytea;
ALTER TABLE totp_factors ADD CONSTRAINT totp_factors_secret_present CHECK (secret IS NOT NULL OR secret_ct IS NOT NULL);
