package dev.bulwark.privacy;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the privacy module: retention policies and runs, AI usage, erasures (docs/privacy.md). */
@Component
public final class PrivacyTables extends ModuleTables {

    public PrivacyTables() {
        super("privacy", Set.of("organisations"),
                Table.tenant("retention_policies")
                        .exported("retention_policies", "data_class", false, "data_class", "retention_days", "updated_at"),
                Table.tenant("ai_usage").deletedOnPurge(),
                Table.tenant("erasures"),
                Table.global("retention_runs",
                        "when the retention enforcer last started and finished, shared by every instance (times only)"));
    }
}
