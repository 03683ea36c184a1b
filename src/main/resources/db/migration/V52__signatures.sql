-- Bulwark V52: electronic signatures (21 CFR Part 11; docs/signatures.md). A signature binds a person to one version
-- of one document by that version's SHA-256; rows are written once and never changed. Promotion to `effective` needs
-- the organisation's required approvals on exactly that version.

-- The security policy gains the number of distinct approvals a version needs before it may become effective.
ALTER TABLE organisation_policies
    ADD COLUMN approvals_required integer NOT NULL DEFAULT 1 CHECK (approvals_required BETWEEN 1 AND 5);

-- TENANT: a signing ceremony's challenge, bound to its user, session, document version and meaning; single use, five
-- minutes. `challenge` is SHA-256 of the signing manifest's first fields (nonce, record hash, meaning, signer).
CREATE TABLE signature_challenges (
    tenant_id      uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id             uuid        NOT NULL,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id     uuid        NOT NULL,
    document_id    uuid        NOT NULL,
    version        integer     NOT NULL CHECK (version >= 1),
    meaning        text        NOT NULL CHECK (meaning IN ('approval', 'review', 'authorship', 'responsibility')),
    nonce          bytea       NOT NULL CHECK (octet_length(nonce) = 32),
    record_sha256  bytea       NOT NULL CHECK (octet_length(record_sha256) = 32),
    challenge      bytea       NOT NULL CHECK (octet_length(challenge) = 32),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id, version) REFERENCES document_versions (tenant_id, document_id, version) ON DELETE CASCADE
);

-- TENANT: the signatures. Append-only: the app role may read and add rows, never change or remove one; a row leaves
-- only with its document version (the foreign key's cascade) when the document or the organisation is deleted.
CREATE TABLE signatures (
    tenant_id          uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                 uuid        NOT NULL,
    document_id        uuid        NOT NULL,
    version            integer     NOT NULL CHECK (version >= 1),
    record_sha256      bytea       NOT NULL CHECK (octet_length(record_sha256) = 32),
    meaning            text        NOT NULL CHECK (meaning IN ('approval', 'review', 'authorship', 'responsibility')),
    reason             text        NOT NULL CHECK (char_length(reason) <= 1000),
    signer_id          uuid        NOT NULL,
    signer_name        text        NOT NULL CHECK (char_length(signer_name) <= 500),
    signer_role        text        NOT NULL CHECK (char_length(signer_role) <= 32),
    signed_at          timestamptz NOT NULL,
    auth_method        text        NOT NULL CHECK (auth_method IN ('password+totp', 'password+recovery_code', 'passkey', 'password')),
    nonce              bytea       NOT NULL CHECK (octet_length(nonce) = 32),
    assertion          jsonb,
    manifest_sha256    bytea       NOT NULL CHECK (octet_length(manifest_sha256) = 32),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id, version) REFERENCES document_versions (tenant_id, document_id, version) ON DELETE CASCADE
);
CREATE INDEX signatures_version_idx ON signatures (tenant_id, document_id, version, signed_at, id);

-- TENANT: a signer's continuous signing period: per sign-in session, the time of the last signature.
CREATE TABLE signing_periods (
    tenant_id       uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id      uuid        NOT NULL,
    last_signed_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, session_id)
);

-- TENANT: failed signing attempts (a wrong component) and the locks three of them in 15 minutes set.
CREATE TABLE signing_failures (
    tenant_id     uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id            uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failed_at     timestamptz NOT NULL,
    locked_until  timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX signing_failures_idx ON signing_failures (tenant_id, user_id, failed_at);

-- TENANT: the seal keys. kind `seal`: the organisation's PDF seal key; kind `authority`: in the platform organisation
-- only, Bulwark's own CA that issues every seal certificate. The private key (PKCS#8) is encrypted under the
-- organisation's key (private_key_ct, bound to the organisation and kind); the certificate is public.
CREATE TABLE seal_keys (
    tenant_id       uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            text        NOT NULL CHECK (kind IN ('seal', 'authority')),
    private_key_ct  bytea       NOT NULL,
    certificate     bytea       NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

ALTER TABLE signature_challenges ENABLE ROW LEVEL SECURITY;
ALTER TABLE signature_challenges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signature_challenges
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
ALTER TABLE signatures ENABLE ROW LEVEL SECURITY;
ALTER TABLE signatures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signatures
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
ALTER TABLE signing_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_periods FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signing_periods
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
ALTER TABLE signing_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_failures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signing_failures
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
ALTER TABLE seal_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE seal_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON seal_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT ON signatures TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON signature_challenges, signing_periods, signing_failures TO ${app_role};
GRANT SELECT, INSERT, DELETE ON seal_keys TO ${app_role};

-- Promotion: the app role may now write a document's status and its effective version, and the database itself
-- refuses `effective` for a version without an approval signature (the application checks the full rule first).
ALTER TABLE documents ADD COLUMN effective_version integer CHECK (effective_version >= 1);
GRANT UPDATE (status, effective_version) ON documents TO ${app_role};

CREATE FUNCTION documents_effective_needs_approval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'effective' AND (NEW.effective_version IS NULL OR NOT EXISTS (
            SELECT 1 FROM signatures s WHERE s.tenant_id = NEW.tenant_id AND s.document_id = NEW.id
                AND s.version = NEW.effective_version AND s.meaning = 'approval')) THEN
        RAISE EXCEPTION 'document % cannot become effective without an approval signature on its version', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_effective_needs_approval BEFORE INSERT OR UPDATE OF status, effective_version ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_effective_needs_approval();
