-- Bulwark V53: single sign-on per organisation through OpenID Connect, with domains proven by DNS (docs/sso.md).

-- An account made by a first SSO sign-in has no password: it signs in only through its organisation's IdP until its
-- owner sets one by a reset (which an organisation that enforces SSO refuses).
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

-- TENANT: the organisation's OIDC client at its IdP. The client secret is encrypted under the organisation's data key
-- (client_secret_ct, bound to secret_id); it is never returned.
CREATE TABLE sso_configs (
    tenant_id         uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    issuer            text        NOT NULL CHECK (char_length(issuer) BETWEEN 1 AND 512),
    client_id         text        NOT NULL CHECK (char_length(client_id) BETWEEN 1 AND 255),
    secret_id         uuid        NOT NULL,
    client_secret_ct  bytea       NOT NULL,
    default_role      text        NOT NULL CHECK (default_role IN ('ADMIN', 'MEMBER', 'VIEWER', 'AUDITOR')),
    enforced          boolean     NOT NULL,
    updated_at        timestamptz NOT NULL,
    updated_by        uuid        REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (tenant_id),
    UNIQUE (tenant_id, secret_id)
);
ALTER TABLE sso_configs ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_configs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_configs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_configs TO ${app_role};

-- TENANT: the organisation's email domains and the token it publishes in DNS to prove each.
CREATE TABLE sso_domains (
    tenant_id           uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    domain              text        NOT NULL CHECK (char_length(domain) BETWEEN 1 AND 253),
    verification_token  text        NOT NULL CHECK (char_length(verification_token) BETWEEN 16 AND 64),
    verified_at         timestamptz,
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, domain)
);
ALTER TABLE sso_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_domains
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_domains TO ${app_role};

-- GLOBAL: the SHA-256 of a claimed domain -> its organisation, so a sign-in finds the organisation of an address before
-- any tenant is bound, and so a domain belongs to at most one organisation (the key). Hashes, ids and times only.
CREATE TABLE sso_domain_index (
    domain_sha256  bytea       PRIMARY KEY CHECK (octet_length(domain_sha256) = 32),
    tenant_id      uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    verified_at    timestamptz
);
CREATE INDEX sso_domain_index_tenant_idx ON sso_domain_index (tenant_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_domain_index TO ${app_role};

-- TENANT: which account an IdP identity (issuer and subject) is; later sign-ins match on these, never on the email.
CREATE TABLE sso_identities (
    tenant_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    issuer      text        NOT NULL CHECK (char_length(issuer) BETWEEN 1 AND 512),
    subject     text        NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 255),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, issuer, subject),
    UNIQUE (tenant_id, user_id)
);
ALTER TABLE sso_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_identities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_identities
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_identities TO ${app_role};

-- TENANT: a sign-in in flight, from start to callback: the state's hash, the hash of the browser's state cookie, the
-- nonce and the PKCE verifier (single use, ten minutes, useless without the code the IdP gives the browser), and the
-- signed-in account that asked to link itself, if any.
CREATE TABLE sso_logins (
    tenant_id      uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    state_sha256   bytea       NOT NULL CHECK (octet_length(state_sha256) = 32),
    browser_sha256 bytea       NOT NULL CHECK (octet_length(browser_sha256) = 32),
    nonce          text        NOT NULL CHECK (char_length(nonce) BETWEEN 32 AND 64),
    code_verifier  text        NOT NULL CHECK (char_length(code_verifier) BETWEEN 43 AND 128),
    link_user_id   uuid        REFERENCES users (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    PRIMARY KEY (tenant_id, state_sha256)
);
ALTER TABLE sso_logins ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_logins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_logins
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_logins TO ${app_role};
