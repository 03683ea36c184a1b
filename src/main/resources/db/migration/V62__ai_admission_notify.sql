-- Bulwark V62: every instance keeps the AI gateway's admission (the row ai_admission returns, V59) in memory, so it
-- must hear of every change to what that function reads (docs/ai-gateway.md#admission). These triggers publish the
-- organisation's id on channel bulwark_ai_admission for every row of ai_policies or ai_provider_keys inserted,
-- updated or deleted, however it happens: through the API, by the key resealer, by the purge of a deleted
-- organisation, or by a cascade from organisations. PostgreSQL delivers a notification only when its transaction
-- commits (and collapses identical ones within it), so a change rolled back is never heard. A TRUNCATE publishes '*':
-- every organisation. SECURITY INVOKER: pg_notify needs no privilege.
CREATE FUNCTION ai_admission_changed() RETURNS trigger
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('bulwark_ai_admission', '*');
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('bulwark_ai_admission', OLD.tenant_id::text);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('bulwark_ai_admission', NEW.tenant_id::text);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION ai_admission_changed() FROM PUBLIC;

CREATE TRIGGER ai_policies_admission AFTER INSERT OR UPDATE OR DELETE ON ai_policies
    FOR EACH ROW EXECUTE FUNCTION ai_admission_changed();
CREATE TRIGGER ai_policies_admission_truncate AFTER TRUNCATE ON ai_policies
    FOR EACH STATEMENT EXECUTE FUNCTION ai_admission_changed();
CREATE TRIGGER ai_provider_keys_admission AFTER INSERT OR UPDATE OR DELETE ON ai_provider_keys
    FOR EACH ROW EXECUTE FUNCTION ai_admission_changed();
CREATE TRIGGER ai_provider_keys_admission_truncate AFTER TRUNCATE ON ai_provider_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ai_admission_changed();
