package dev.bulwark.sso.web;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.sso.internal.SsoSettings;
import dev.bulwark.sso.internal.SsoSettings.ConfigView;
import dev.bulwark.sso.internal.SsoSettings.DomainView;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** An organisation's single sign-on settings and domains (docs/api.md, docs/sso.md): MANAGE_SSO, OWNER in person. */
@RestController
class SsoSettingsController {

    /** The settings. The secret is never logged or returned. */
    record Settings(@NotNull @Size(max = 512) String issuer, @NotNull @Size(max = 255) String clientId,
                    @NotNull @Size(max = 512) String clientSecret, @NotNull @Size(min = 1, max = 20) List<@NotNull @Size(max = 253) String> domains,
                    @NotNull Role defaultRole, @NotNull Boolean enforced) {
        @Override
        public String toString() {
            return "Settings[issuer=" + issuer + ", clientId=" + clientId + ", domains=" + domains + "]";
        }
    }

    private final SsoSettings settings;

    SsoSettingsController(SsoSettings settings) {
        this.settings = settings;
    }

    @Operation(summary = "Configure the organisation's OpenID Connect single sign-on")
    @PutMapping("/api/v1/orgs/{orgId}/sso/oidc")
    @Audited(AuditType.SSO_CONFIGURED)
    @Requires(value = Permission.MANAGE_SSO, personOnly = true)
    ConfigView put(Caller caller, @Valid @RequestBody Settings body) {
        return settings.put(caller, body.issuer(), body.clientId(), body.clientSecret(), body.domains(), body.defaultRole(),
                body.enforced());
    }

    @Operation(summary = "The organisation's single sign-on settings and domains")
    @GetMapping("/api/v1/orgs/{orgId}/sso/oidc")
    @Requires(value = Permission.MANAGE_SSO, personOnly = true)
    ConfigView get(Caller caller) {
        return settings.get(caller);
    }

    @Operation(summary = "Remove the organisation's single sign-on")
    @DeleteMapping("/api/v1/orgs/{orgId}/sso/oidc")
    @Audited(AuditType.SSO_CONFIGURED)
    @Requires(value = Permission.MANAGE_SSO, personOnly = true)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller) {
        settings.delete(caller);
    }

    @Operation(summary = "Verify a domain by its DNS TXT record")
    @PostMapping("/api/v1/orgs/{orgId}/sso/oidc/domains/{domain}/verify")
    @Audited(AuditType.SSO_DOMAIN_VERIFIED)
    @Requires(value = Permission.MANAGE_SSO, personOnly = true)
    DomainView verify(Caller caller, @PathVariable String domain) {
        return settings.verify(caller, domain);
    }
}
