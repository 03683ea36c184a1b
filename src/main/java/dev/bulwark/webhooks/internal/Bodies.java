package dev.bulwark.webhooks.internal;

import java.util.UUID;

import dev.bulwark.audit.AuditRecord;
import org.springframework.stereotype.Component;

/** The body of a delivery in its webhook's format (docs/webhooks.md): the standard body; OCSF is wired where available. */
@Component
class Bodies {

    byte[] of(UUID org, String format, AuditRecord event) {
        return switch (format) {
            case WebhookManagement.STANDARD -> Messages.standardBody(event);
            default -> throw new IllegalStateException("no body for format " + format);
        };
    }
}
