-- Bulwark V18: re-encrypting audit payloads and kept document versions after a key rotation (docs/encryption.md). The app role still cannot
-- UPDATE chain rows; this function changes only the ciphertext columns, which the chain does not hash (its digest
-- covers the plaintext), of the bound tenant's unredacted events, and only if they still hold what the caller read.
CREATE FUNCTION audit_reseal(event_id uuid, old_before bytea, old_after bytea, new_before bytea, new_after bytea)
    RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
    WITH changed AS (
        UPDATE audit_events SET before_ct = new_before, after_ct = new_after
        WHERE tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid AND id = event_id
          AND redacted_at IS NULL
          AND before_ct IS NOT DISTINCT FROM old_before AND after_ct IS NOT DISTINCT FROM old_after
        RETURNING 1)
    SELECT count(*)::integer FROM changed
$$;
REVOKE ALL ON FUNCTION audit_reseal(uuid, bytea, bytea, bytea, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_reseal(uuid, bytea, bytea, bytea, bytea) TO ${app_role};

-- Kept document versions are otherwise never updated: the app role may rewrite only their ciphertext, for the same
-- re-encryption, and nothing else of them.
GRANT UPDATE (body_ct) ON document_versions TO ${app_role};
