package dev.bulwark.webhooks.web;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.webhooks.internal.WebhookManagement;
import dev.bulwark.webhooks.internal.WebhookManagement.CreatedWebhook;
import dev.bulwark.webhooks.internal.WebhookManagement.DeliveryView;
import dev.bulwark.webhooks.internal.WebhookManagement.RotatedSecret;
import dev.bulwark.webhooks.internal.WebhookManagement.WebhookView;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * An organisation's webhooks and their deliveries (docs/api.md, docs/webhooks.md): MANAGE_WEBHOOKS (OWNER, ADMIN).
 * Registering one, rotating its secret and changing its URL also need a person with step-up.
 */
@RestController
@RequestMapping("/api/v1/orgs/{orgId}/webhooks")
class WebhooksController {

    static final int MAX_URL = 2000;

    record NewWebhook(@NotBlank @Size(max = MAX_URL) String url, @NotNull @Size(min = 1, max = 100) List<@NotNull @Size(max = 64) String> events,
                      @Size(max = 16) String format) {
    }

    /**
     * A PATCH body: Jackson calls a setter for every field the JSON names, so a field left out is told from one set to
     * null, which no field here accepts.
     */
    static final class WebhookPatch {
        private final Set<String> present = new HashSet<>();
        @Size(min = 1, max = MAX_URL)
        private String url;
        @Size(min = 1, max = 100)
        private List<@NotNull @Size(max = 64) String> events;
        private Boolean enabled;

        public void setUrl(String url) {
            this.url = url;
            present.add("url");
        }

        public void setEvents(List<String> events) {
            this.events = events;
            present.add("events");
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
            present.add("enabled");
        }

        WebhookManagement.Change change() {
            for (String field : present) {
                if (field.equals("url") && url == null || field.equals("events") && events == null
                        || field.equals("enabled") && enabled == null) {
                    throw new InvalidInputException(field, "must not be null");
                }
            }
            if (url != null && url.isBlank()) {
                throw new InvalidInputException("url", "must not be blank");
            }
            return new WebhookManagement.Change(url, events, enabled);
        }
    }

    private final WebhookManagement webhooks;

    WebhooksController(WebhookManagement webhooks) {
        this.webhooks = webhooks;
    }

    @Operation(summary = "Register a webhook", operationId = "webhooks.createWebhook")
    @PostMapping
    @Audited(AuditType.WEBHOOK_CREATED)
    @Requires(value = Permission.MANAGE_WEBHOOKS, personOnly = true)
    @ResponseStatus(HttpStatus.CREATED)
    CreatedWebhook create(Caller caller, @Valid @RequestBody NewWebhook body) {
        return webhooks.create(caller, body.url(), body.events(), body.format());
    }

    @Operation(summary = "The organisation's webhooks", operationId = "webhooks.listWebhooks")
    @GetMapping
    @Requires(Permission.MANAGE_WEBHOOKS)
    Page<WebhookView> list(Caller caller, @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return webhooks.list(caller, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Read a webhook", operationId = "webhooks.getWebhook")
    @GetMapping("/{webhookId}")
    @Requires(Permission.MANAGE_WEBHOOKS)
    WebhookView get(Caller caller, @PathVariable UUID webhookId) {
        return webhooks.get(caller, webhookId);
    }

    @Operation(summary = "Change a webhook", operationId = "webhooks.updateWebhook")
    @PatchMapping(value = "/{webhookId}", consumes = {"application/json", "application/merge-patch+json"})
    @Audited(AuditType.WEBHOOK_UPDATED)
    @Requires(Permission.MANAGE_WEBHOOKS)
    WebhookView update(Caller caller, @PathVariable UUID webhookId, @Valid @RequestBody WebhookPatch body) {
        return webhooks.update(caller, webhookId, body.change());
    }

    @Operation(summary = "Delete a webhook", operationId = "webhooks.deleteWebhook")
    @DeleteMapping("/{webhookId}")
    @Audited(AuditType.WEBHOOK_DELETED)
    @Requires(Permission.MANAGE_WEBHOOKS)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable UUID webhookId) {
        webhooks.delete(caller, webhookId);
    }

    @Operation(summary = "Rotate a webhook's signing secret", operationId = "webhooks.rotateSecret")
    @PostMapping("/{webhookId}/rotate-secret")
    @Audited(AuditType.WEBHOOK_SECRET_ROTATED)
    @Requires(value = Permission.MANAGE_WEBHOOKS, personOnly = true)
    RotatedSecret rotate(Caller caller, @PathVariable UUID webhookId) {
        return webhooks.rotate(caller, webhookId);
    }

    @Operation(summary = "A webhook's delivery log")
    @GetMapping("/{webhookId}/deliveries")
    @Requires(Permission.MANAGE_WEBHOOKS)
    Page<DeliveryView> deliveries(Caller caller, @PathVariable UUID webhookId, @RequestParam(required = false) Integer limit,
                                  @RequestParam(required = false) String cursor) {
        return webhooks.deliveries(caller, webhookId, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "Deliver a failed delivery again", operationId = "webhooks.retryDelivery")
    @PostMapping("/{webhookId}/deliveries/{deliveryId}/retry")
    @Audited(none = "makes an existing delivery due again; the delivery log records the attempt, and the event it carries is"
            + " already in the chain")
    @Requires(Permission.MANAGE_WEBHOOKS)
    @ResponseStatus(HttpStatus.ACCEPTED)
    void retry(Caller caller, @PathVariable UUID webhookId, @PathVariable UUID deliveryId) {
        webhooks.retry(caller, webhookId, deliveryId);
    }
}
