-- Bulwark V25: one run of the trust checks at a time across all instances, and recent writes read first
-- (docs/trust-center.md). A run takes the lease, and gives it back when done; a lease left by a crashed instance
-- lapses. The sweeps' cursors and findings are read and written by one run at a time.

-- GLOBAL: one row: until when the current run holds the lease, and when runs last started and finished (times only).
CREATE TABLE trust_runs (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    running_until  timestamptz,
    last_started   timestamptz,
    last_finished  timestamptz
);
INSERT INTO trust_runs (id) VALUES (1);
GRANT SELECT, UPDATE ON trust_runs TO ${app_role};

-- GLOBAL: how far into each organisation's audit log the ciphertext check has read for recent writes (ids, counters):
-- the rows an event names are read at once, before the sweep reaches them.
CREATE TABLE trust_recent (
    check_id   text   NOT NULL CHECK (char_length(check_id) <= 64),
    tenant_id  uuid   NOT NULL,
    seq        bigint NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (check_id, tenant_id)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON trust_recent TO ${app_role};
