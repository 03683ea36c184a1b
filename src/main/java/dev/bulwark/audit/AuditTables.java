package dev.bulwark.audit;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the audit module: the chains, their heads, checkpoints and purges (docs/audit-chain.md). */
@Component
public final class AuditTables extends ModuleTables {

    public AuditTables() {
        super("audit", Set.of(),
                Table.tenant("audit_events").sealed("id", null, List.of("before", "after"), List.of("before_json", "after_json")),
                Table.global("audit_heads",
                        "each audit chain's last seq and hash: the checkpointer finds the logs that grew without binding each"
                                + " tenant (ids, counters, hashes; the verifier checks a head against its chain)"),
                Table.global("audit_checkpointed",
                        "how far each audit chain is checkpointed, read with audit_heads by the checkpointer (ids, counters)"),
                Table.tenant("audit_checkpoints"),
                Table.tenant("audit_purges"));
    }
}
