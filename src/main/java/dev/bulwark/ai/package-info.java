/**
 * The AI gateway (docs/ai-gateway.md): every AI call of a product on Bulwark goes through it. The organisation's AI
 * policy decides whether and to which providers and regions; every prompt passes the sanitiser
 * ({@link dev.bulwark.ai.sanitiser.Sanitiser}, docs/ai-sanitiser.md) before it leaves, and personal placeholders are
 * restored in the answer; the provider is called through egress only; every call that reaches the gateway leaves one
 * usage record and one {@code ai.completion} audit event, never the prompt or the output. Organisations may bring
 * their own provider keys, kept encrypted under their keys. An AI draft is a completion whose output becomes a document
 * of origin ai, made through the workspace's {@code DocumentDrafts}.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "tenancy", "keys", "access", "audit", "egress", "workspace"})
package dev.bulwark.ai;
