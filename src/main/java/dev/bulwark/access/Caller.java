package dev.bulwark.access;

import java.util.Objects;
import java.util.UUID;

import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;

/**
 * Who makes an organisation-scoped request, as the {@link Gate} admitted it in the request's own transaction. Only the
 * gate constructs one (the constructor is package-private), so holding a {@code Caller} means the check ran, in the
 * transaction the work runs in. A person acts with their own role; an API key acts for its creator, with the
 * creator's live role capped by the key's role ({@code cap}), so a key never does more than its creator could do
 * right now. {@code userId} is the acting person (the creator, for a key).
 */
public final class Caller {

    private final UUID orgId;
    private final UUID userId;
    private final UUID sessionId;
    private final Role role;
    private final Role cap;
    private final UUID apiKeyId;
    private final UUID projectScope;
    private final OrganisationPolicy policy;
    private final String policyUnmet;

    /**
     * @param sessionId    the person's session (null for a key)
     * @param cap          the key's role (null for a person)
     * @param apiKeyId     the key (null for a person)
     * @param projectScope the one project a scoped key reaches (null: the whole organisation)
     * @param policy       the organisation's policy, as read by the gate
     * @param policyUnmet  why the acting person does not meet that policy (null: they do)
     */
    Caller(UUID orgId, UUID userId, UUID sessionId, Role role, Role cap, UUID apiKeyId, UUID projectScope,
           OrganisationPolicy policy, String policyUnmet) {
        this.orgId = Objects.requireNonNull(orgId);
        this.userId = Objects.requireNonNull(userId);
        this.sessionId = sessionId;
        this.role = Objects.requireNonNull(role);
        this.cap = cap;
        this.apiKeyId = apiKeyId;
        this.projectScope = projectScope;
        this.policy = Objects.requireNonNull(policy);
        this.policyUnmet = policyUnmet;
    }

    public UUID orgId() {
        return orgId;
    }

    public UUID userId() {
        return userId;
    }

    /** The person's session; null for an API key. */
    public UUID sessionId() {
        return sessionId;
    }

    /** The acting person's live role (the creator's, for a key). */
    public Role role() {
        return role;
    }

    /** The key's role, capping {@link #role()}; null for a person. */
    public Role cap() {
        return cap;
    }

    /** The key; null for a person. */
    public UUID apiKeyId() {
        return apiKeyId;
    }

    /** The one project a scoped key reaches; null: the whole organisation. */
    public UUID projectScope() {
        return projectScope;
    }

    /** The organisation's policy, read with the role in the gate's statement. */
    public OrganisationPolicy policy() {
        return policy;
    }

    /**
     * Refuses (403) a caller who does not meet the organisation's policy. The gate does this for every endpoint but
     * the one that must serve such a member (leaving); that endpoint calls it for whatever else it does.
     */
    public void requirePolicyMet() {
        if (policyUnmet != null) {
            throw new ForbiddenException(policyUnmet);
        }
    }

    public boolean isApiKey() {
        return apiKeyId != null;
    }

    /**
     * Whether this caller holds {@code permission}: the role grants it and, for a key, the key's role too, and the
     * permission is one keys may hold at all ({@link Permission#heldByKeys()}).
     */
    public boolean may(Permission permission) {
        return permission.grantedTo(role, cap);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Caller c && orgId.equals(c.orgId) && userId.equals(c.userId)
                && Objects.equals(sessionId, c.sessionId) && role == c.role && cap == c.cap
                && Objects.equals(apiKeyId, c.apiKeyId) && Objects.equals(projectScope, c.projectScope)
                && policy.equals(c.policy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orgId, userId, sessionId, role, cap, apiKeyId, projectScope);
    }

    @Override
    public String toString() {
        return "Caller[org=" + orgId + ", user=" + userId + ", role=" + role + (isApiKey() ? ", key=" + apiKeyId + ", cap=" + cap : "") + "]";
    }
}
