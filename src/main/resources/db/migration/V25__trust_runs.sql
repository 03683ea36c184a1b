-- Bulwark V25: one run of the trust checks at a time across all instances (docs/trust-center.md). A run takes the
-- lease, and gives it back when done; a lease left by a crashed instance lapses. The sweeps' cursors and findings are
-- read and written by one run at a time.

-- GLOBAL: one row: until when the current run holds the lease, and when runs last started and finished (times only).
CREATE TABLE trust_runs (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    running_until  timestamptz,
    last_started   timestamptz,
    last_finished  timestamptz
);
INSERT INTO trust_runs (id) VALUES (1);
GRANT SELECT, UPDATE ON trust_runs TO ${app_role};
