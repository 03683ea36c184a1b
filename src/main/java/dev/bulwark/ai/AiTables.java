package dev.bulwark.ai;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of the AI gateway (docs/ai-gateway.md): each organisation's AI policy, its own provider keys (encrypted)
 * and the usage records, one per call that reached the gateway. The retention enforcer (privacy) purges usage records
 * of data class {@code ai.usage}, and with each its auto-send decision, if any.
 */
@Component
public final class AiTables extends ModuleTables {

    public AiTables() {
        super("ai", Set.of(),
                Table.tenant("ai_policies").deletedOnPurge()
                        .exported("ai_policies", "tenant_id", true, "enabled", "providers", "regions", "auto_send_threshold",
                                "updated_at", "updated_by"),
                Table.tenant("ai_provider_keys").deletedOnPurge()
                        // Not exported: the export opens sealed columns, and a provider key is a secret, never shown again.
                        .sealed("id", "ai_provider_key", List.of("api_key"), List.of()),
                Table.tenant("ai_usage").deletedOnPurge()
                        .exported("ai_usage", "occurred_at, id", true, "id", "occurred_at", "user_id", "api_key_id", "provider",
                                "model", "region", "feature", "outcome", "problem", "input_tokens", "output_tokens", "cost_usd",
                                "latency_ms", "overhead_ms"),
                Table.tenant("ai_auto_send_decisions").deletedOnPurge()
                        .exported("ai_auto_send_decisions", "decided_at, id", true, "id", "completion_id", "channel", "score",
                                "threshold", "decision", "user_id", "api_key_id", "decided_at"));
    }
}
