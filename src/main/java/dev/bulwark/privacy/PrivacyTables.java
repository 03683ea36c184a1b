package dev.bulwark.privacy;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of the privacy module: retention policies and runs, erasures (docs/privacy.md). It purges the AI gateway's
 * usage records ({@code ai_usage}, data class {@code ai.usage}), which the ai module owns.
 */
@Component
public final class PrivacyTables extends ModuleTables {

    public PrivacyTables() {
        super("privacy", Set.of("organisations", "ai_usage"),
                Table.tenant("retention_policies")
                        .exported("retention_policies", "data_class", false, "data_class", "retention_days", "updated_at"),
                Table.tenant("erasures"),
                Table.global("retention_runs",
                        "when the retention enforcer last started and finished, shared by every instance (times only)"));
    }
}
