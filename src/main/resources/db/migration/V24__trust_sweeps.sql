-- Bulwark V24: the trust center's data scans cover every row over a cycle and never forget what they found
-- (docs/trust-center.md). A sweep walks organisation by organisation, table by table, in key order, a budget of rows a
-- run; a finding stays open, and its check failing, until a later run sees the row or organisation mended.

-- GLOBAL: what a scanning check found and has not yet seen mended: a table, an organisation id and a row's key, or an
-- organisation id, and the kind of problem. Never the row's contents.
CREATE TABLE trust_findings (
    check_id  text        NOT NULL CHECK (char_length(check_id) <= 64),
    subject   text        NOT NULL CHECK (char_length(subject) <= 200),
    detail    text        NOT NULL CHECK (char_length(detail) <= 200),
    found_at  timestamptz NOT NULL,
    PRIMARY KEY (check_id, subject)
);
-- GLOBAL: where a row sweep resumes (an organisation, a table, the last key read) and how its cycles went (times, counts).
CREATE TABLE trust_sweeps (
    check_id                 text        PRIMARY KEY CHECK (char_length(check_id) <= 64),
    tenant_id                uuid        NOT NULL,
    table_index              integer     NOT NULL CHECK (table_index >= 0),
    after_id                 uuid        NOT NULL,
    after_version            bigint      NOT NULL,
    cycle_started_at         timestamptz NOT NULL,
    cycle_rows               bigint      NOT NULL CHECK (cycle_rows >= 0),
    last_cycle_completed_at  timestamptz,
    last_cycle_rows          bigint,
    last_cycle_millis        bigint
);
-- The organisation sweeps (trust_cursors, V23) time their cycles the same way.
ALTER TABLE trust_cursors ADD COLUMN cycle_started_at timestamptz, ADD COLUMN last_cycle_millis bigint;
GRANT SELECT, INSERT, UPDATE, DELETE ON trust_findings TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON trust_sweeps TO ${app_role};
