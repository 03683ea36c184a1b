-- Bulwark V31: sealing audit payloads from before V16 (docs/encryption.md). Events written before V16 kept their
-- before/after in plaintext (before_json, after_json); at start-up, before serving, the application encrypts each under
-- its organisation's key through this function, and from then on a plaintext payload is refused, never served. The app
-- role still cannot UPDATE chain rows: this changes only an unredacted event of the bound tenant that has no
-- ciphertext yet, and only if its plaintext is still what the caller read. The chain verifies the same after: its data
-- digest covers the plaintext, whichever column holds it.
CREATE FUNCTION audit_seal_legacy(event_id uuid, old_before text, old_after text, new_before bytea, new_after bytea)
    RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
    WITH changed AS (
        UPDATE audit_events SET before_ct = new_before, after_ct = new_after, before_json = NULL, after_json = NULL
        WHERE tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid AND id = event_id
          AND redacted_at IS NULL AND before_ct IS NULL AND after_ct IS NULL
          AND before_json IS NOT DISTINCT FROM old_before AND after_json IS NOT DISTINCT FROM old_after
          AND (new_before IS NULL) = (old_before IS NULL) AND (new_after IS NULL) = (old_after IS NULL)
        RETURNING 1)
    SELECT count(*)::integer FROM changed
$$;
REVOKE ALL ON FUNCTION audit_seal_legacy(uuid, text, text, bytea, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_seal_legacy(uuid, text, text, bytea, bytea) TO ${app_role};
