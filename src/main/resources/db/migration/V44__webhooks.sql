-- Bulwark V44: outbound webhooks (docs/webhooks.md). An organisation registers URLs that receive its audit events,
-- signed by Standard Webhooks v1. The delivery table is both the outbox and the delivery log: V45 fills it from the
-- audit chain's own insert, in the acting transaction; the worker (webhooks/internal/DeliveryWorker.java) sends.

-- TENANT: the registered webhooks. The signing secret ("whsec_" + base64 of 32 random bytes) is stored only as a
-- FieldCipher ciphertext under the organisation's key, bound to the row (secret_ct); after a rotation the previous
-- one stays (previous_secret_ct) until previous_secret_expires_at, 24 hours later, and deliveries carry both
-- signatures until then. failing_since: when the current run of failed attempts began (null after a success).
CREATE TABLE webhooks (
    tenant_id                   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                          uuid        NOT NULL,
    url                         text        NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
    events                      text[]      NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 100),
    format                      text        NOT NULL CHECK (format IN ('standard', 'ocsf')),
    secret_ct                   bytea       NOT NULL CHECK (octet_length(secret_ct) <= 1024),
    previous_secret_ct          bytea       CHECK (octet_length(previous_secret_ct) <= 1024),
    previous_secret_expires_at  timestamptz,
    enabled                     boolean     NOT NULL DEFAULT true,
    failing_since               timestamptz,
    disabled_at                 timestamptz,
    created_by                  uuid,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((previous_secret_ct IS NULL) = (previous_secret_expires_at IS NULL))
);
-- What V45's trigger probes on every audit event: an organisation without an enabled webhook costs this one probe.
CREATE INDEX webhooks_enabled_idx ON webhooks (tenant_id) WHERE enabled;
CREATE INDEX webhooks_list_idx ON webhooks (tenant_id, created_at, id);
ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhooks
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhooks TO ${app_role};

-- TENANT: one row per (audit event, webhook): the outbox and the delivery log. The row's id is the webhook-id header,
-- the same on every attempt. attempts: attempts made (0 until the first ends); status: pending until an attempt ends,
-- then the last attempt's outcome; next_attempt_at: when the next attempt is due, null when none is planned.
-- response_status: the HTTP status of the last answer (a 3xx included), null when no complete answer came; failure: a
-- short secret-free reason of the last failed attempt (timeout, too-large, refused, http-500, ...).
CREATE TABLE webhook_deliveries (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    webhook_id       uuid        NOT NULL,
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL CHECK (char_length(event_type) <= 64),
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    response_status  integer     CHECK (response_status BETWEEN 100 AND 999),
    failure          text        CHECK (char_length(failure) <= 64),
    created_at       timestamptz NOT NULL,
    last_attempt_at  timestamptz,
    next_attempt_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (tenant_id, webhook_id, created_at, id);
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_deliveries TO ${app_role};

-- GLOBAL: the deliveries due, by id and time only: the worker claims them across organisations (FOR UPDATE SKIP
-- LOCKED) before it binds any one. A claimed row's due_at moves to the end of the claim's lease, so a delivery whose
-- instance died is claimed again then. Removed when its delivery needs no further attempt.
CREATE TABLE webhook_queue (
    delivery_id  uuid        NOT NULL PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    due_at       timestamptz NOT NULL,
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_queue_due_idx ON webhook_queue (due_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_queue TO ${app_role};

-- A version 7 UUID (RFC 9562: 48 bits of Unix milliseconds, then random bits), as shared/Ids makes in Java: the ids of
-- the deliveries V45's trigger writes. PostgreSQL 17 has no uuidv7() of its own.
CREATE FUNCTION webhook_uuid_v7() RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                          PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                                          FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
