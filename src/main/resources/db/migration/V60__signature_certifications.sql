-- Bulwark V60: the first-use certification of electronic signatures (21 CFR 11.100(c); docs/signatures.md). A person
-- certifies once that their electronic signature is the legally binding equivalent of their handwritten one. The row
-- is written once and never changed: the app role may read and insert, never update or delete; it leaves only with
-- the user (the foreign key's cascade).

-- USER: one certification per user, with the statement as they made it.
CREATE TABLE signature_certifications (
    user_id       uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    statement     text        NOT NULL CHECK (char_length(statement) BETWEEN 1 AND 2000),
    certified_at  timestamptz NOT NULL
);
ALTER TABLE signature_certifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE signature_certifications FORCE ROW LEVEL SECURITY;
CREATE POLICY user_isolation ON signature_certifications
    USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);
GRANT SELECT, INSERT ON signature_certifications TO ${app_role};

-- The security policy may require the certification before a member signs (off by default).
ALTER TABLE organisation_policies
    ADD COLUMN require_signature_certification boolean NOT NULL DEFAULT false;
