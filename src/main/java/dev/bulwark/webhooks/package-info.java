/**
 * Outbound webhooks (docs/webhooks.md): an organisation registers URLs that receive its audit events, signed by
 * Standard Webhooks v1. The deliveries of an event are written with the event itself, in the acting transaction, by the
 * database trigger of V45 on the audit chain's table (the outbox), and sent after commit by a worker through egress,
 * retried with backoff until they succeed, and the webhook is disabled after five days of failures. Each signing
 * secret is stored under the organisation's key. Depends on shared, tenancy, access (the gate's {@code Caller}),
 * audit (event types, the log and its reader), keys ({@code FieldCipher}) and egress (every outbound call).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "access", "audit", "keys", "egress"})
package dev.bulwark.webhooks;
