package dev.bulwark.workspace;

import java.util.UUID;

/**
 * What promotion to {@code effective} asks before it writes (docs/workspace.md, "Status and origin"): implemented by
 * the signatures module, which knows the organisation's required approvals. Called inside the promotion's tenant
 * transaction with the document row locked; throws (409 {@code signatures-required}) when the version lacks them.
 * Without an implementation every promotion is refused.
 */
public interface ApprovalGate {

    void requireApprovals(UUID orgId, UUID documentId, int version);
}
