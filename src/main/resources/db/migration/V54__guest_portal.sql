-- Bulwark V54: the guest portal (docs/guests.md). A guest is an outside person given read access to one project's
-- effective documents until a time; a magic link signs a guest in once, and a guest session is a cookie. Links and
-- sessions are stored as the SHA-256 of their 256-bit random tokens only; a global index of those hashes finds a
-- token's organisation before any tenant is bound. Guests act in the audit chain as actors of their own type.

-- TENANT: one row per guest of a project; the address sealed under the organisation's key (email_ct).
CREATE TABLE guests (
    tenant_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id          uuid        NOT NULL,
    project_id  uuid        NOT NULL,
    email_ct    bytea       NOT NULL,
    created_by  uuid,                    -- the member who invited (null: the trust center's rolled-back probe)
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    CHECK (expires_at > created_at)
);
CREATE INDEX guests_page_idx ON guests (tenant_id, project_id, created_at, id);
ALTER TABLE guests ENABLE ROW LEVEL SECURITY;
ALTER TABLE guests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON guests
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- No DELETE: a revoked guest stays listed as revoked (the project's deletion removes its guests).
GRANT SELECT, INSERT, UPDATE ON guests TO ${app_role};

-- TENANT: one row per magic link mailed; valid ten minutes, used at most once (used_at).
CREATE TABLE guest_links (
    tenant_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id          uuid        NOT NULL,
    guest_id    uuid        NOT NULL,
    token_hash  bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, guest_id) REFERENCES guests (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX guest_links_guest_idx ON guest_links (tenant_id, guest_id);
ALTER TABLE guest_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE guest_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON guest_links
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON guest_links TO ${app_role};

-- TENANT: one row per guest session (a cookie in one browser); ended_at set by revocation.
CREATE TABLE guest_sessions (
    tenant_id     uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    guest_id      uuid        NOT NULL,
    token_hash    bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    browser_hash  bytea       NOT NULL CHECK (octet_length(browser_hash) = 32),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, guest_id) REFERENCES guests (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX guest_sessions_guest_idx ON guest_sessions (tenant_id, guest_id);
ALTER TABLE guest_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE guest_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON guest_sessions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON guest_sessions TO ${app_role};

-- GLOBAL: token hash -> (organisation, link or session), so a link or a cookie finds its tenant before binding it.
-- Hashes and ids only.
CREATE TABLE guest_token_index (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    tenant_id   uuid  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind        text  NOT NULL CHECK (kind IN ('link', 'session')),
    row_id      uuid  NOT NULL
);
GRANT SELECT, INSERT, DELETE ON guest_token_index TO ${app_role};

-- Guests act in the audit chain as themselves: actor type 'guest', the guest's id.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_check
    CHECK (actor_type IN ('user', 'apikey', 'system', 'anonymous', 'guest'));
