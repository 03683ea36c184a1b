package dev.bulwark.apikeys.web;

import java.time.Instant;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Public;
import dev.bulwark.access.Requires;
import dev.bulwark.apikeys.internal.ApiKeyManagement;
import dev.bulwark.apikeys.internal.ApiKeyManagement.ApiKeyView;
import dev.bulwark.apikeys.internal.ApiKeyManagement.CreatedKey;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.tenancy.Role;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys of an organisation (docs/api.md): MANAGE_API_KEYS; creating one also needs a person with step-up. And the
 * public leak report, the way code hosts' secret scanning reports a key found in a repository.
 */
@RestController
class ApiKeysController {

    record NewKey(@NotBlank @CodePointLength(max = 200) String name, @NotNull Role role, UUID projectId, Instant expiresAt) {
    }

    record LeakReport(@NotNull @Size(max = 100) String key) {

        @Override
        public String toString() {
            return "LeakReport[…]";
        }
    }

    private final ApiKeyManagement keys;

    ApiKeysController(ApiKeyManagement keys) {
        this.keys = keys;
    }

    @Operation(summary = "Create an API key", operationId = "apikeys.createKey")
    @PostMapping("/api/v1/orgs/{orgId}/api-keys")
    @Audited(AuditType.APIKEY_CREATED)
    @Requires(value = Permission.MANAGE_API_KEYS, personOnly = true)
    @ResponseStatus(HttpStatus.CREATED)
    CreatedKey create(Caller caller, @Valid @RequestBody NewKey body) {
        return keys.create(caller, body.name(), body.role(), body.projectId(), body.expiresAt());
    }

    @Operation(summary = "The organisation's API keys", operationId = "apikeys.listKeys")
    @GetMapping("/api/v1/orgs/{orgId}/api-keys")
    @Requires(Permission.MANAGE_API_KEYS)
    Page<ApiKeyView> list(Caller caller, @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return keys.list(caller, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Revoke an API key", operationId = "apikeys.revokeKey")
    @DeleteMapping("/api/v1/orgs/{orgId}/api-keys/{keyId}")
    @Audited(AuditType.APIKEY_REVOKED)
    @Requires(Permission.MANAGE_API_KEYS)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(Caller caller, @PathVariable UUID keyId) {
        keys.revoke(caller, keyId);
    }

    /**
     * Anyone may report a leaked key; a live key is revoked at once. The answer is 202 whatever the key was, so the
     * endpoint tells nobody whether a string is a live key.
     */
    @Operation(summary = "Report a leaked API key")
    @PostMapping("/api/v1/api-keys/report-leak")
    @Audited(value = AuditType.APIKEY_LEAK_REPORTED, unless = "the reported text is no live key: the answer is the same either way")
    @Public
    @ResponseStatus(HttpStatus.ACCEPTED)
    void reportLeak(@Valid @RequestBody LeakReport body) {
        keys.reportLeak(body.key());
    }
}
