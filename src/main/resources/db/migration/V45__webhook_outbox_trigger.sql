-- Bulwark V45: the webhook outbox is filled by the audit chain's own insert (docs/webhooks.md, "The outbox").
-- Every audit event is inserted by audit_append (V41) inside the transaction of the action it records; this trigger
-- adds, in that same statement and transaction, one pending delivery (and its place in the queue) per enabled webhook
-- of the event's organisation whose events name its type or "*". The action, its event and its deliveries commit
-- together or not at all: a rolled-back action delivers nothing, and a committed one survives a crash in the table.
-- An organisation without an enabled webhook costs one probe of webhooks_enabled_idx per event.
-- SECURITY INVOKER: row-level security applies. audit_append runs with the event's organisation bound, so only that
-- organisation's webhooks are seen and only its deliveries can be written (WITH CHECK); the explicit tenant match below
-- keeps it so for any other writer too. An insert with no organisation bound sees no webhook and queues nothing.
CREATE FUNCTION webhook_outbox() RETURNS trigger
    LANGUAGE plpgsql SET search_path = ${flyway:defaultSchema}, pg_temp AS $$
BEGIN
    WITH queued AS (
        INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, event_id, event_type, created_at, next_attempt_at)
        SELECT w.tenant_id, webhook_uuid_v7(), w.id, NEW.id, NEW.type, now(), now()
        FROM webhooks w
        WHERE w.tenant_id = NEW.tenant_id AND w.enabled AND (NEW.type = ANY (w.events) OR '*' = ANY (w.events))
        RETURNING tenant_id, id, next_attempt_at)
    INSERT INTO webhook_queue (delivery_id, tenant_id, due_at)
    SELECT id, tenant_id, next_attempt_at FROM queued;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_events_webhook_outbox AFTER INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION webhook_outbox();
