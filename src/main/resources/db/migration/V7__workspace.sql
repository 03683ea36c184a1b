-- Bulwark V7: the workspace, the reference domain the controls protect: projects and their documents (with every
-- version kept), contacts (the data subjects) and their interactions. All tenant tables: tenant_id leads every key,
-- row-level security is forced. Child rows reference their parent through (tenant_id, id), so a row can never point
-- into another tenant, and deleting a parent deletes its children in the same statement.
-- (Personal data and bodies move under the tenant key, with a blind index for email, in the encryption work.)

-- TENANT: a project groups documents.
CREATE TABLE projects (
    tenant_id    uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           uuid        NOT NULL,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description  text        CHECK (char_length(description) <= 10000),
    version      integer     NOT NULL CHECK (version >= 1),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX projects_page_idx ON projects (tenant_id, created_at, id);

-- TENANT: a document inside a project. `version` counts its updates; every version is kept in document_versions.
CREATE TABLE documents (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    project_id  uuid        NOT NULL,
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    body        text        NOT NULL CHECK (char_length(body) <= 500000),
    version     integer     NOT NULL CHECK (version >= 1),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX documents_page_idx ON documents (tenant_id, project_id, created_at, id);

-- TENANT: each version of a document as it was written (the current one included), readable after later updates.
CREATE TABLE document_versions (
    tenant_id    uuid        NOT NULL,
    document_id  uuid        NOT NULL,
    version      integer     NOT NULL CHECK (version >= 1),
    title        text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    body         text        NOT NULL CHECK (char_length(body) <= 500000),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, document_id, version),
    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, id) ON DELETE CASCADE
);

-- TENANT: a contact, the data subject of access and erasure requests. Several contacts may share an email.
CREATE TABLE contacts (
    tenant_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id          uuid        NOT NULL,
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    email       text        CHECK (char_length(email) BETWEEN 3 AND 254),
    phone       text        CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    notes       text        CHECK (char_length(notes) <= 10000),
    version     integer     NOT NULL CHECK (version >= 1),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX contacts_page_idx ON contacts (tenant_id, created_at, id);
-- ?email= is exact and case-insensitive.
CREATE INDEX contacts_email_idx ON contacts (tenant_id, lower(email), created_at, id);

-- TENANT: something that happened with a contact. Retention is per channel, measured from occurred_at.
CREATE TABLE interactions (
    tenant_id    uuid        NOT NULL,
    id           uuid        NOT NULL,
    contact_id   uuid        NOT NULL,
    channel      text        NOT NULL CHECK (channel IN ('call', 'email', 'chat', 'note')),
    subject      text        NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
    body         text        CHECK (char_length(body) <= 500000),
    occurred_at  timestamptz NOT NULL,
    version      integer     NOT NULL CHECK (version >= 1),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX interactions_page_idx ON interactions (tenant_id, contact_id, created_at, id);
CREATE INDEX interactions_retention_idx ON interactions (tenant_id, channel, occurred_at);

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON projects
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE document_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE document_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON document_versions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contacts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE interactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE interactions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON interactions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Versions are written once: the app may add and (with the document, or by erasure) remove them, never edit them.
GRANT SELECT, INSERT, UPDATE, DELETE ON projects, documents, contacts, interactions TO ${app_role};
GRANT SELECT, INSERT, DELETE ON document_versions TO ${app_role};
