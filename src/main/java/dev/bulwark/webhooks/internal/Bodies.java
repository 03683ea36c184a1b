package dev.bulwark.webhooks.internal;

import java.util.UUID;

import dev.bulwark.audit.AuditRecord;
import dev.bulwark.audit.Ocsf;
import org.springframework.stereotype.Component;

/**
 * The body of a delivery in its webhook's format (docs/webhooks.md): the standard body ({@link Messages#standardBody}),
 * or the event as OCSF maps it without the client's address and user agent ({@link Ocsf#delivered}, docs/ocsf.md).
 */
@Component
class Bodies {

    byte[] of(UUID org, String format, AuditRecord event) {
        return switch (format) {
            case WebhookManagement.STANDARD -> Messages.standardBody(event);
            case WebhookManagement.OCSF -> Messages.body(Ocsf.delivered(org, event));
            default -> throw new IllegalStateException("no body for format " + format);
        };
    }
}
