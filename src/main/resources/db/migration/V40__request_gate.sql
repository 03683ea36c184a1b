-- Bulwark V40: the request gate (docs/access-control.md, "One gate per request").
-- An organisation's request runs in one transaction whose first statement is gate_person or gate_api_key. That one
-- statement binds the tenant and the acting user for the transaction (set_config(…, true), as TenantScope does),
-- takes a shared lock that a removal or revocation of this very access waits for, and returns what the access check
-- needs: the role, the organisation's state and policy, and whether the person meets the policy. The check and the
-- work then commit together: no membership can end, and no key can be revoked, between the check and the work.
-- SECURITY INVOKER: row-level security applies throughout; the functions read nothing the bound tenant and user could
-- not read themselves. Their search_path is fixed, so a trigger fired by an operator's session finds them too.

-- The advisory lock of one grant of access: a member (tenant, user) or an API key (tenant, key id). A collision only
-- makes an unrelated revocation wait for a request; it never lets one through.
CREATE FUNCTION gate_lock_key(tenant uuid, holder uuid) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtextextended(tenant::text || '/' || holder::text, 0) $$;

-- A person acting in an organisation. No row: not a member. org_open false: purged, or disabled (deletion pending)
-- while the endpoint does not serve a pending deletion. The policy columns are NULL where the organisation never set
-- one (the defaults apply).
CREATE FUNCTION gate_person(org uuid, person uuid, while_deleting boolean)
    RETURNS TABLE (member_role text, org_open boolean, require_mfa boolean, require_verified_email boolean,
                   step_up_window_seconds integer, api_key_max_lifetime_days integer, has_second_factor boolean,
                   email_verified boolean)
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
BEGIN
    PERFORM set_config('app.tenant_id', org::text, true), set_config('app.user_id', person::text, true);
    -- Lock first, then read: a removal under way (holding the lock exclusively) is waited for and then seen.
    PERFORM pg_advisory_xact_lock_shared(gate_lock_key(org, person));
    RETURN QUERY
        SELECT m.role,
               o.purged_at IS NULL AND (o.disabled_at IS NULL OR while_deleting),
               p.require_mfa, p.require_verified_email, p.step_up_window_seconds, p.api_key_max_lifetime_days,
               EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = person AND t.confirmed_at IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = person),
               u.email_verified_at IS NOT NULL
        FROM memberships m
        JOIN organisations o ON o.id = m.tenant_id
        JOIN users u ON u.id = m.user_id
        LEFT JOIN organisation_policies p ON p.tenant_id = m.tenant_id
        WHERE m.tenant_id = org AND m.user_id = person;
END
$$;
REVOKE ALL ON FUNCTION gate_person(uuid, uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gate_person(uuid, uuid, boolean) TO ${app_role};

-- An API key, found by the SHA-256 of the presented key: index -> key -> its creator's live membership and the
-- organisation's policy, in one statement, bound to the key's organisation and acting as its creator. No row: no such
-- key, or revoked, expired, or its creator is no longer a member (all answer 401). Records the key's last use at most
-- once a minute per address, skipping the write when another request is writing it.
CREATE FUNCTION gate_api_key(presented bytea, client_ip text, while_deleting boolean)
    RETURNS TABLE (key_tenant uuid, key_id uuid, creator uuid, key_role text, key_project uuid, member_role text,
                   org_open boolean, require_mfa boolean, require_verified_email boolean, step_up_window_seconds integer,
                   api_key_max_lifetime_days integer, has_second_factor boolean, email_verified boolean)
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
DECLARE
    found_tenant uuid;
    found_key    uuid;
    k            record;
BEGIN
    SELECT i.tenant_id, i.key_id INTO found_tenant, found_key FROM api_key_index i WHERE i.key_hash = presented;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    PERFORM set_config('app.tenant_id', found_tenant::text, true), set_config('app.user_id', '', true);
    PERFORM pg_advisory_xact_lock_shared(gate_lock_key(found_tenant, found_key));
    SELECT a.created_by, a.role, a.project_id, a.last_used_at, a.last_used_ip INTO k
    FROM api_keys a
    WHERE a.tenant_id = found_tenant AND a.id = found_key AND a.revoked_at IS NULL
      AND (a.expires_at IS NULL OR a.expires_at > now());
    IF NOT FOUND THEN
        RETURN;
    END IF;
    PERFORM set_config('app.user_id', k.created_by::text, true);
    PERFORM pg_advisory_xact_lock_shared(gate_lock_key(found_tenant, k.created_by));
    IF k.last_used_at IS NULL OR k.last_used_ip IS DISTINCT FROM client_ip OR k.last_used_at < now() - interval '1 minute' THEN
        UPDATE api_keys a SET last_used_at = now(), last_used_ip = client_ip
        WHERE (a.tenant_id, a.id) IN (SELECT b.tenant_id, b.id FROM api_keys b
                                      WHERE b.tenant_id = found_tenant AND b.id = found_key
                                      FOR NO KEY UPDATE SKIP LOCKED);
    END IF;
    RETURN QUERY
        SELECT found_tenant, found_key, k.created_by, k.role, k.project_id, m.role,
               o.purged_at IS NULL AND (o.disabled_at IS NULL OR while_deleting),
               p.require_mfa, p.require_verified_email, p.step_up_window_seconds, p.api_key_max_lifetime_days,
               EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = k.created_by AND t.confirmed_at IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM passkeys pk WHERE pk.user_id = k.created_by),
               u.email_verified_at IS NOT NULL
        FROM memberships m
        JOIN organisations o ON o.id = m.tenant_id
        JOIN users u ON u.id = m.user_id
        LEFT JOIN organisation_policies p ON p.tenant_id = m.tenant_id
        WHERE m.tenant_id = found_tenant AND m.user_id = k.created_by;
END
$$;
REVOKE ALL ON FUNCTION gate_api_key(bytea, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gate_api_key(bytea, text, boolean) TO ${app_role};

-- Whatever ends or narrows a grant of access waits for the requests admitted under it: a membership's removal or role
-- change (cascades from a deleted organisation or user included), and an API key's revocation, expiry or role change.
-- A key's last-use bookkeeping changes none of those and never waits.
CREATE FUNCTION gate_wait_for_admitted() RETURNS trigger
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'memberships' THEN
        PERFORM pg_advisory_xact_lock(gate_lock_key(OLD.tenant_id, OLD.user_id));
    ELSE
        PERFORM pg_advisory_xact_lock(gate_lock_key(OLD.tenant_id, OLD.id));
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER memberships_wait_for_admitted BEFORE UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION gate_wait_for_admitted();
CREATE TRIGGER api_keys_wait_for_admitted BEFORE UPDATE ON api_keys
    FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
                       OR OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION gate_wait_for_admitted();
