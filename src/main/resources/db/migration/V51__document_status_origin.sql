-- Bulwark V51: a document's status and origin (docs/workspace.md, "Status and origin"). An AI-origin document names
-- the AI gateway's usage record of the completion it came from. Every document starts as a draft, and no path of the
-- application may change a status: the app role may no longer write the status column at all (nor the origin or the
-- completion after insert). Promotion to `effective` needs a person's electronic signatures; when signing is built, its
-- migration grants what promotion needs.
ALTER TABLE documents
    ADD COLUMN status text NOT NULL DEFAULT 'draft'
        CONSTRAINT documents_status_known CHECK (status IN ('draft', 'in_review', 'effective', 'superseded')),
    ADD COLUMN origin text NOT NULL DEFAULT 'human'
        CONSTRAINT documents_origin_known CHECK (origin IN ('human', 'ai')),
    ADD COLUMN ai_completion_id uuid,
    ADD CONSTRAINT documents_ai_provenance CHECK ((origin = 'ai') = (ai_completion_id IS NOT NULL));

-- Table-wide INSERT and UPDATE become column grants: a new row takes the default status (draft), and an update may
-- change the title, the body (and its ciphertext, which re-encryption rewrites), the version and the time only.
REVOKE INSERT, UPDATE ON documents FROM ${app_role};
GRANT INSERT (tenant_id, id, project_id, title, body, body_ct, origin, ai_completion_id, version, created_at, updated_at)
    ON documents TO ${app_role};
GRANT UPDATE (title, body, body_ct, version, updated_at) ON documents TO ${app_role};
