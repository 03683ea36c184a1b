package dev.bulwark.privacy.web;

import java.time.Instant;
import java.util.Map;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.privacy.internal.Retention;
import dev.bulwark.privacy.internal.RetentionEnforcer;
import dev.bulwark.shared.Page;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Retention policies (docs/api.md): read by any member, changed by ADMIN or OWNER within the bounds (the audit log not
 * below the legal minimum); the enforcer run for one organisation now; legal hold, set by an OWNER.
 */
@RestController
class RetentionController {

    /** How many rows each data class lost to the run. */
    record RetentionRun(Map<String, Integer> purged) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "RetentionPolicyBody")
    record PolicyBody(@NotNull @Min(1) @Max(36_500) Integer retentionDays) {
    }

    record LegalHoldBody(@NotNull Boolean active, @Size(max = 500) String reason) {
    }

    private final Retention retention;
    private final RetentionEnforcer enforcer;

    RetentionController(Retention retention, RetentionEnforcer enforcer) {
        this.retention = retention;
        this.enforcer = enforcer;
    }

    /** The list envelope, like every list; one page always holds them (one policy a data class, far fewer than 200). */
    @Operation(summary = "The organisation's retention policies", operationId = "privacy.listRetentionPolicies")
    @GetMapping("/api/v1/orgs/{orgId}/retention-policies")
    @Requires(Permission.READ_ORGANISATION)
    Page<Retention.Policy> list(Caller caller) {
        return new Page<>(retention.policies(caller.orgId()), null);
    }

    @Operation(summary = "Set the retention of one data class", operationId = "privacy.setRetentionPolicy")
    @PutMapping("/api/v1/orgs/{orgId}/retention-policies/{dataClass}")
    @Audited(AuditType.RETENTION_POLICY_UPDATED)
    @Requires(Permission.MANAGE_RETENTION)
    Retention.Policy update(Caller caller, @PathVariable String dataClass, @Valid @RequestBody PolicyBody body) {
        return retention.update(caller, dataClass, body.retentionDays());
    }

    @Operation(summary = "Purge what is past its retention now", operationId = "privacy.runRetention")
    @PostMapping("/api/v1/orgs/{orgId}/retention/run")
    @Audited(value = AuditType.RETENTION_PURGED, unless = "nothing was past its retention period, or the organisation is on legal hold")
    @Requires(Permission.MANAGE_RETENTION)
    RetentionRun run(Caller caller) {
        return new RetentionRun(enforcer.runFor(caller.orgId(), Instant.now(), Actor.of(caller)));
    }

    @Operation(summary = "The organisation's legal hold")
    @GetMapping("/api/v1/orgs/{orgId}/legal-hold")
    @Requires(Permission.READ_ORGANISATION)
    Retention.LegalHold legalHold(Caller caller) {
        return retention.legalHold(caller.orgId());
    }

    @Operation(summary = "Place or lift the legal hold")
    @PutMapping("/api/v1/orgs/{orgId}/legal-hold")
    @Audited(AuditType.RETENTION_LEGAL_HOLD_UPDATED)
    @Requires(value = Permission.PRIVACY_REQUESTS, personOnly = true)
    Retention.LegalHold setLegalHold(Caller caller, @Valid @RequestBody LegalHoldBody body) {
        return retention.setLegalHold(caller, body.active(), body.reason());
    }
}
