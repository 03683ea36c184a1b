-- Bulwark V46: inbound Stripe billing (docs/billing.md). Stripe's signed subscription events set each organisation's
-- plan and subscription status; nothing about payment methods or amounts is kept.

-- TENANT: the organisation's subscription as the newest applied Stripe event left it. One row per organisation: the
-- event with the latest (created, rank) wins, so an event delivered late never overwrites a newer one.
CREATE TABLE billing_subscriptions (
    tenant_id           uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    subscription_id     text        NOT NULL CHECK (char_length(subscription_id) BETWEEN 1 AND 255),
    plan                text        CHECK (char_length(plan) BETWEEN 1 AND 255),
    status              text        NOT NULL CHECK (char_length(status) BETWEEN 1 AND 64),
    current_period_end  timestamptz,
    -- The applied event: its id, its Stripe `created` time, and its rank among events of the same second
    -- (created 0, updated 1, deleted 2).
    event_id            text        NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 255),
    event_created       timestamptz NOT NULL,
    event_rank          smallint    NOT NULL CHECK (event_rank BETWEEN 0 AND 2),
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id)
);
ALTER TABLE billing_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON billing_subscriptions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON billing_subscriptions TO ${app_role};

-- TENANT: the Stripe events received for the organisation, by id, whether they were applied or found older than the
-- state they met: a redelivery of the same event is acknowledged and changes nothing.
CREATE TABLE billing_events (
    tenant_id     uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    event_id      text        NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 255),
    event_type    text        NOT NULL CHECK (event_type IN ('customer.subscription.created', 'customer.subscription.updated',
                                                             'customer.subscription.deleted')),
    event_created timestamptz NOT NULL,
    applied       boolean     NOT NULL,
    received_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
ALTER TABLE billing_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON billing_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON billing_events TO ${app_role};
