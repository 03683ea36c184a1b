-- Bulwark V16: the personal data in audit payloads (before/after) under the organisation's key (docs/encryption.md).
-- The chain is unchanged: data_digest still covers the canonical plaintext with its salt, so verification decrypts
-- before recomputing it, and exports carry the plaintext an auditor needs. The ciphertext is bound to the event's id
-- and the side (before/after). Events written before this migration keep their plaintext columns.
ALTER TABLE audit_events ADD COLUMN before_ct bytea, ADD COLUMN after_ct bytea;

-- Redaction now removes the ciphertexts too.
CREATE OR REPLACE FUNCTION audit_redact(event_ids uuid[], redacted timestamptz) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
    WITH changed AS (
        UPDATE audit_events
        SET before_json = NULL, after_json = NULL, before_ct = NULL, after_ct = NULL, data_salt = NULL,
            redacted_at = redacted
        WHERE tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
          AND id = ANY (event_ids) AND data_digest IS NOT NULL AND redacted_at IS NULL
        RETURNING 1)
    SELECT count(*)::integer FROM changed
$$;
