-- Bulwark V30: one lease table for every job that one instance at a time may run (docs/architecture.md, "Leases"):
-- the retention enforcer, the trust checks and each organisation's re-encryption took a lease each in a table of their
-- own (retention_runs.running_until, trust_runs.running_until, key_reencryption_queue.claimed_until); they now take
-- a named lease here through tenancy's Lease. A lease held when this runs is carried over, with no holder: it lapses
-- at its term as it would have.
-- GLOBAL: lease names and times only, taken before any tenant is bound.
CREATE TABLE leases (
    name        text        PRIMARY KEY CHECK (char_length(name) <= 100),
    holder      uuid,
    held_until  timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON leases TO ${app_role};

INSERT INTO leases (name, held_until) SELECT 'retention', running_until FROM retention_runs WHERE running_until IS NOT NULL;
INSERT INTO leases (name, held_until) SELECT 'trust-checks', running_until FROM trust_runs WHERE running_until IS NOT NULL;
INSERT INTO leases (name, held_until)
    SELECT 'key-reencryption:' || tenant_id, claimed_until FROM key_reencryption_queue WHERE claimed_until IS NOT NULL;

ALTER TABLE retention_runs DROP COLUMN running_until;
ALTER TABLE trust_runs DROP COLUMN running_until;
ALTER TABLE key_reencryption_queue DROP COLUMN claimed_until;
