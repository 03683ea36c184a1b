package dev.bulwark.organisations.web;

import java.time.Duration;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.organisations.internal.OrganisationPolicies;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * An organisation's security policy: read by any member, replaced by an OWNER in person (MANAGE_SECURITY_POLICY, which
 * no API key holds; step-up).
 */
@RestController
class PolicyController {

    /**
     * {@code apiKeyMaxLifetimeDays}: null or absent for no cap. {@code approvalsRequired}: distinct approval signatures
     * a document version needs to become effective (docs/signatures.md); absent means the default, 1.
     * {@code requireSignatureCertification}: signing needs the signer's first-use certification; absent means false.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "SecurityPolicyBody")
    record PolicyBody(@NotNull Boolean requireMfa, @NotNull Boolean requireVerifiedEmail,
                      @NotNull @Min(60) @Max(3600) Integer stepUpWindowSeconds,
                      @Min(1) @Max(3650) Integer apiKeyMaxLifetimeDays,
                      @Min(1) @Max(5) Integer approvalsRequired, Boolean requireSignatureCertification) {

        static PolicyBody of(OrganisationPolicy p, int approvalsRequired, boolean requireSignatureCertification) {
            return new PolicyBody(p.requireMfa(), p.requireVerifiedEmail(), (int) p.stepUpWindow().toSeconds(),
                    p.apiKeyMaxLifetimeDays(), approvalsRequired, requireSignatureCertification);
        }
    }

    private final OrganisationPolicies policies;

    PolicyController(OrganisationPolicies policies) {
        this.policies = policies;
    }

    @Operation(summary = "The organisation's security policy", operationId = "organisations.getSecurityPolicy")
    @GetMapping("/api/v1/orgs/{orgId}/security-policy")
    @Requires(Permission.READ_ORGANISATION)
    PolicyBody get(Caller caller) {
        return PolicyBody.of(policies.policy(caller), policies.approvalsRequired(caller.orgId()),
                policies.requiresSignatureCertification(caller.orgId()));
    }

    @Operation(summary = "Set the organisation's security policy", operationId = "organisations.setSecurityPolicy")
    @PutMapping("/api/v1/orgs/{orgId}/security-policy")
    @Audited(AuditType.ORG_POLICY_UPDATED)
    @Requires(Permission.MANAGE_SECURITY_POLICY)
    PolicyBody put(Caller caller, @Valid @RequestBody PolicyBody body) {
        OrganisationPolicy policy = new OrganisationPolicy(body.requireMfa(), body.requireVerifiedEmail(),
                Duration.ofSeconds(body.stepUpWindowSeconds()), body.apiKeyMaxLifetimeDays());
        int approvals = body.approvalsRequired() == null ? OrganisationPolicies.DEFAULT_APPROVALS : body.approvalsRequired();
        boolean certification = Boolean.TRUE.equals(body.requireSignatureCertification());
        return PolicyBody.of(policies.setPolicy(caller, policy, approvals, certification), approvals, certification);
    }
}
