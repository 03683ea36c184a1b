package dev.bulwark.webhooks;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of the webhooks module (docs/webhooks.md): the registered webhooks (their signing secrets encrypted), one
 * delivery per event and webhook (the outbox and the log), and the global queue of deliveries due. The webhooks are
 * not in the organisation's export: their only content beyond the URL is a credential.
 */
@Component
public final class WebhooksTables extends ModuleTables {

    public WebhooksTables() {
        super("webhooks", Set.of(),
                Table.tenant("webhooks").deletedOnPurge()
                        .sealed("id", "webhook", List.of("secret", "previous_secret"), List.of()),
                Table.tenant("webhook_deliveries").deletedOnPurge(),
                Table.global("webhook_queue",
                        "the deliveries due, across organisations: the worker claims them before binding any one (ids, times)")
                        .deletedOnPurge());
    }
}
