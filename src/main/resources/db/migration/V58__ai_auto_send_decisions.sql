-- Bulwark V58: auto-send decisions (docs/ai-gateway.md#auto-send). Where a product sends an AI answer on its own (a
-- helpdesk reply, say), it asks Bulwark first: the answer's score is compared with the organisation's threshold, and both
-- are kept here with the decision, one row per completion, never updated. No threshold set means never send.

-- TENANT: one decision per answered completion; data class ai.usage with the receipt it belongs to, so the usage purge
-- removes it with its completion (ON DELETE CASCADE).
CREATE TABLE ai_auto_send_decisions (
    tenant_id      uuid          NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id             uuid          NOT NULL,
    completion_id  uuid          NOT NULL,
    channel        text          NOT NULL CHECK (char_length(channel) BETWEEN 1 AND 64),
    score          numeric(4, 3) NOT NULL CHECK (score BETWEEN 0 AND 1),
    threshold      numeric(4, 3) CHECK (threshold BETWEEN 0 AND 1),
    decision       text          NOT NULL CHECK (decision IN ('send', 'hold')),
    user_id        uuid          REFERENCES users (id) ON DELETE SET NULL,
    api_key_id     uuid,
    decided_at     timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, completion_id),
    FOREIGN KEY (tenant_id, completion_id) REFERENCES ai_usage (tenant_id, id) ON DELETE CASCADE,
    -- Never above a threshold the organisation did not set: 'send' only with a threshold, and only at or above it.
    CONSTRAINT ai_auto_send_decided_by_threshold
        CHECK ((decision = 'send') = (threshold IS NOT NULL AND score >= threshold))
);
CREATE INDEX ai_auto_send_page_idx ON ai_auto_send_decisions (tenant_id, decided_at DESC, id DESC);
ALTER TABLE ai_auto_send_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_auto_send_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ai_auto_send_decisions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- Written once, never updated; DELETE for the purge of a deleted organisation.
GRANT SELECT, INSERT, DELETE ON ai_auto_send_decisions TO ${app_role};
