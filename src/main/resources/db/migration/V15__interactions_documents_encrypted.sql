-- Bulwark V15: interaction subjects and bodies, document bodies and every kept version's body under the
-- organisation's key (docs/encryption.md), as V14 did for contacts. A version's body is bound to its version number,
-- so one version's ciphertext does not open as another's. Length rules move to the application.
-- Rows written before this migration keep their plaintext and are read as they are until re-encrypted.
ALTER TABLE interactions ALTER COLUMN subject DROP NOT NULL;
ALTER TABLE interactions ADD COLUMN subject_ct bytea, ADD COLUMN body_ct bytea;
ALTER TABLE interactions ADD CONSTRAINT interactions_subject_present CHECK (subject IS NOT NULL OR subject_ct IS NOT NULL);

ALTER TABLE documents ALTER COLUMN body DROP NOT NULL;
ALTER TABLE documents ADD COLUMN body_ct bytea;
ALTER TABLE documents ADD CONSTRAINT documents_body_present CHECK (body IS NOT NULL OR body_ct IS NOT NULL);

ALTER TABLE document_versions ALTER COLUMN body DROP NOT NULL;
ALTER TABLE document_versions ADD COLUMN body_ct bytea;
ALTER TABLE document_versions ADD CONSTRAINT document_versions_body_present CHECK (body IS NOT NULL OR body_ct IS NOT NULL);
