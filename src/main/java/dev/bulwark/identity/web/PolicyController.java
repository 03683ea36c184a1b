package dev.bulwark.identity.web;

import java.time.Duration;
import java.util.UUID;

import dev.bulwark.access.Requires;
import dev.bulwark.identity.internal.Accounts;
import dev.bulwark.tenancy.OrganisationPolicy;
import dev.bulwark.tenancy.Permission;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** An organisation's security policy: read by any member, replaced by an OWNER (MANAGE_SECURITY_POLICY, step-up). */
@RestController
class PolicyController {

    record PolicyBody(@NotNull Boolean requireMfa, @NotNull Boolean requireVerifiedEmail,
                      @NotNull @Min(60) @Max(3600) Integer stepUpWindowSeconds) {

        static PolicyBody of(OrganisationPolicy p) {
            return new PolicyBody(p.requireMfa(), p.requireVerifiedEmail(), (int) p.stepUpWindow().toSeconds());
        }
    }

    private final Accounts accounts;

    PolicyController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/api/v1/orgs/{orgId}/security-policy")
    @Requires(Permission.READ_ORGANISATION)
    PolicyBody get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID orgId) {
        return PolicyBody.of(accounts.policy(orgId, Requests.userId(jwt)));
    }

    @PutMapping("/api/v1/orgs/{orgId}/security-policy")
    @Requires(Permission.MANAGE_SECURITY_POLICY)
    PolicyBody put(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID orgId, @Valid @RequestBody PolicyBody body,
                   HttpServletRequest request) {
        OrganisationPolicy policy = new OrganisationPolicy(body.requireMfa(), body.requireVerifiedEmail(),
                Duration.ofSeconds(body.stepUpWindowSeconds()));
        return PolicyBody.of(accounts.setPolicy(orgId, Requests.userId(jwt), Requests.sessionId(jwt), policy, Requests.client(request)));
    }
}
