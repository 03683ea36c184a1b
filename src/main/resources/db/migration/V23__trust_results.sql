-- Bulwark V23: the trust center's latest result per check (docs/trust-center.md). Written by whichever instance ran the
-- check last; read by the trust page and API, which show a result older than its check's freshness bound as stale.

-- GLOBAL: control and check ids, statuses, evidence about the platform's configuration (never tenant data), times.
CREATE TABLE trust_results (
    check_id    text        PRIMARY KEY CHECK (check_id ~ '^[a-z]+(\.[a-z0-9-]+)+$'),
    control_id  text        NOT NULL CHECK (char_length(control_id) <= 64),
    status      text        NOT NULL CHECK (status IN ('pass', 'fail', 'not_configured')),
    evidence    text        NOT NULL CHECK (char_length(evidence) <= 20000),
    checked_at  timestamptz NOT NULL
);
-- Where a check that reads data in slices (chains, ciphertexts) resumes next time, so every organisation is covered.
CREATE TABLE trust_cursors (
    check_id  text PRIMARY KEY CHECK (char_length(check_id) <= 64),
    after_id  uuid NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON trust_results, trust_cursors TO ${app_role};

-- A stored value has the shape of a Tink AEAD ciphertext (the 0x01 prefix of a keyed output, a 5-byte prefix, a 12-byte
-- nonce and a 16-byte tag at least), or is absent: what the trust center's ciphertext check samples.
CREATE FUNCTION bulwark_is_ciphertext(value bytea) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT value IS NULL OR (octet_length(value) >= 33 AND get_byte(value, 0) = 1) $$;
