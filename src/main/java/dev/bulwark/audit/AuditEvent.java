package dev.bulwark.audit;

import java.util.Map;
import java.util.UUID;

/**
 * One event to record. {@code before}/{@code after} hold the state changed (or, for an event that changes no
 * record, its facts in {@code after}) as maps of strings, numbers, booleans, lists and maps; secrets never go here.
 * They are the only part erasure may remove (docs/audit-chain.md). Most events are appended through {@link AuditLog}'s
 * entry points, which build this record; it is built directly only for what none of them describes.
 */
public record AuditEvent(UUID tenantId, AuditType type, Actor actor, Entity entity, String reason,
                         Map<String, ?> before, Map<String, ?> after, RequestFacts facts) {

    public AuditEvent {
        java.util.Objects.requireNonNull(tenantId, "tenant");
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(actor, "actor");
        facts = facts == null ? RequestFacts.current() : facts;
        before = before == null || before.isEmpty() ? null : before;
        after = after == null || after.isEmpty() ? null : after;
    }
}
