package dev.bulwark.organisations.web;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.organisations.internal.OrganisationKeys;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * An organisation's keys (docs/encryption.md): their state, rotation of the data key, and customer-managed keys
 * (BYOK). OWNER only (MANAGE_KEYS), signed in as a person; changes need step-up.
 */
@RestController
class OrganisationKeysController {

    /** A KMS key URI, e.g. {@code aws-kms://arn:aws:kms:…}; which schemes work depends on the deployment. */
    record KmsKey(@NotBlank @Size(max = 2048) @Pattern(regexp = "[a-z][a-z0-9+.-]*://\\S+", message = "must be a KMS key URI")
                  String keyUri) {
    }

    private final OrganisationKeys keys;

    OrganisationKeysController(OrganisationKeys keys) {
        this.keys = keys;
    }

    @Operation(summary = "The organisation's encryption keys", operationId = "organisations.keyStatus")
    @GetMapping("/api/v1/orgs/{orgId}/keys")
    @Requires(value = Permission.MANAGE_KEYS, personOnly = true)
    OrganisationKeys.Status status(Caller caller) {
        return keys.status(caller);
    }

    @Operation(summary = "Rotate the organisation's data key", operationId = "organisations.rotateKeys")
    @PostMapping("/api/v1/orgs/{orgId}/keys/rotate")
    @Audited(AuditType.ORG_KEYS_ROTATED)
    @Requires(value = Permission.MANAGE_KEYS, personOnly = true)
    @ResponseStatus(HttpStatus.ACCEPTED)
    OrganisationKeys.Status rotate(Caller caller) {
        return keys.rotate(caller);
    }

    @Operation(summary = "Wrap the organisation's keys with its own KMS key", operationId = "organisations.useKms")
    @PutMapping("/api/v1/orgs/{orgId}/keys/kms")
    @Audited(AuditType.ORG_KEYS_KMS_SET)
    @Requires(value = Permission.MANAGE_KEYS, personOnly = true)
    OrganisationKeys.Status useKms(Caller caller, @Valid @RequestBody KmsKey body) {
        return keys.useKms(caller, body.keyUri());
    }

    @Operation(summary = "Stop using the organisation's own KMS key")
    @DeleteMapping("/api/v1/orgs/{orgId}/keys/kms")
    @Audited(AuditType.ORG_KEYS_KMS_REMOVED)
    @Requires(value = Permission.MANAGE_KEYS, personOnly = true)
    OrganisationKeys.Status releaseKms(Caller caller) {
        return keys.releaseKms(caller);
    }
}
