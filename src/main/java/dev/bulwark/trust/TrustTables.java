package dev.bulwark.trust;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the trust center: results, sweeps, findings and runs (docs/trust-center.md). */
@Component
public final class TrustTables extends ModuleTables {

    public TrustTables() {
        super("trust", Set.of("organisations", "memberships", "retention_policies", "tenant_keys", "audit_events", "audit_heads",
                        "audit_checkpointed"),
                Table.global("trust_results",
                        "the trust center's latest result per check: statuses and evidence about the platform, never tenant data"),
                Table.global("trust_cursors",
                        "where each sliced trust check resumes, so that every organisation is covered over a cycle (ids only)"),
                Table.global("trust_findings",
                        "what a scanning trust check found and has not seen mended: organisation ids, row keys, the kind of"
                                + " problem, never row contents; read across organisations by design"),
                Table.global("trust_runs",
                        "when the trust checks last started and finished, shared by every instance (times only)"),
                Table.global("trust_recent",
                        "how far into each organisation's audit log the ciphertext check has read for recent writes (ids,"
                                + " counters); read across organisations by design"),
                Table.global("trust_sweeps",
                        "where the trust center's row sweep resumes (an organisation, a table, a key) and its cycle times"));
    }
}
