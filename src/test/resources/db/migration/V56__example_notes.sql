-- Bulwark V56 (test sources only): the example module of docs/extending.md. A tenant table under the isolation
-- catalogue: tenant_id leads the key, row-level security forced, one policy FOR ALL with its WITH CHECK, and the app
-- role granted what the module does. The note's body is stored only as a ciphertext (body_ct), bound to the row.
CREATE TABLE example_notes (
    tenant_id  uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id         uuid        NOT NULL,
    title      text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    body_ct    bytea       NOT NULL,
    created_by uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX example_notes_created_idx ON example_notes (tenant_id, created_at, id);
ALTER TABLE example_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE example_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON example_notes
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON example_notes TO ${app_role};
