-- Bulwark V17: crypto-shredding (docs/encryption.md). Destroying an organisation's keys erases both wrapped keysets
-- and keeps the row, marked, so that no later use can quietly create fresh keys for the organisation: its ciphertexts
-- then open under no key the live system holds.
ALTER TABLE tenant_keys ALTER COLUMN data_keyset DROP NOT NULL;
ALTER TABLE tenant_keys ALTER COLUMN index_keyset DROP NOT NULL;
ALTER TABLE tenant_keys ADD COLUMN destroyed_at timestamptz;
ALTER TABLE tenant_keys ADD CONSTRAINT tenant_keys_live_or_destroyed
    CHECK ((destroyed_at IS NULL) = (data_keyset IS NOT NULL AND index_keyset IS NOT NULL));
