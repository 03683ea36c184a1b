package dev.bulwark.identity.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.bulwark.access.ApiKeyEvent;
import dev.bulwark.audit.Actor;
import dev.bulwark.audit.Entity;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records the access module's API-key events in the organisation's audit chain, in the transaction of the change
 * (the listener runs synchronously inside it): a key and the record of its creation or revocation commit together.
 * The access module publishes rather than appends because the audit module's HTTP API depends on access.
 */
@Component
class ApiKeyEventRecorder {

    private final SecurityEvents securityEvents;

    ApiKeyEventRecorder(SecurityEvents securityEvents) {
        this.securityEvents = securityEvents;
    }

    @EventListener
    void on(ApiKeyEvent event) {
        Map<String, Object> details = new LinkedHashMap<>(event.details());
        Actor actor = switch (event.actor()) {
            case USER -> Actor.user(event.actorId());
            case APIKEY -> Actor.apiKey(event.actorId());
            case ANONYMOUS -> Actor.anonymous();
        };
        // null client: the audit log reads the current request's address, user agent and request id itself
        securityEvents.orgEvent(event.orgId(), event.type(), actor, Entity.of("apikey", event.keyId()), null, details);
    }
}
