-- Bulwark V59: the AI gateway's admission in one statement (docs/ai-gateway.md#admission). Before a call leaves, the
-- gateway needs the organisation's AI policy and its own key for the provider, if any. This function binds the tenant
-- for its statement (set_config(…, true), as TenantScope and the request gate do; no user acts) and returns both in
-- one row, so the gateway reads them in one round trip in an implicit transaction of its own, holding no connection
-- afterwards. SECURITY INVOKER: row-level security applies; it reads nothing the bound tenant could not read itself.
-- has_policy false: the organisation never set a policy (AI off). key_id NULL: no key of its own for that provider.
CREATE FUNCTION ai_admission(org uuid, provider text)
    RETURNS TABLE (has_policy boolean, enabled boolean, providers text[], regions text[], auto_send_threshold numeric,
                   updated_at timestamptz, key_id uuid, key_ct bytea)
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
BEGIN
    PERFORM set_config('app.tenant_id', org::text, true), set_config('app.user_id', '', true);
    RETURN QUERY
        SELECT p.tenant_id IS NOT NULL, p.enabled, p.providers, p.regions, p.auto_send_threshold, p.updated_at,
               k.id, k.api_key_ct
        FROM (SELECT 1) AS one
        LEFT JOIN ai_policies p ON p.tenant_id = org
        LEFT JOIN ai_provider_keys k ON k.tenant_id = org AND k.provider_id = provider;
END
$$;
REVOKE ALL ON FUNCTION ai_admission(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ai_admission(uuid, text) TO ${app_role};
