package dev.bulwark.webhooks.internal;

import java.util.UUID;

import dev.bulwark.audit.AuditRecord;
import dev.bulwark.audit.Ocsf;
import org.springframework.stereotype.Component;

/**
 * The body of a delivery in its webhook's format (docs/webhooks.md): the standard body ({@link Messages#standardBody}),
 * or the event as OCSF maps it ({@link Ocsf#event}, docs/ocsf.md).
 */
@Component
class Bodies {

    byte[] of(UUID org, String format, AuditRecord event) {
        return switch (format) {
            case WebhookManagement.STANDARD -> Messages.standardBody(event);
            case WebhookManagement.OCSF -> Messages.body(Ocsf.event(org, event));
            default -> throw new IllegalStateException("no body for format " + format);
        };
    }
}
