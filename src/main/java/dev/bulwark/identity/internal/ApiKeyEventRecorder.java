package dev.bulwark.identity.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.bulwark.access.ApiKeyEvent;
import dev.bulwark.identity.ClientInfo;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.MDC;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records the access module's API-key events among the organisation's security events, in the transaction of the
 * change (the listener runs synchronously inside it): a key and the record of its creation or revocation commit
 * together.
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
        details.put("keyId", event.keyId());
        securityEvents.orgEvent(event.orgId(), event.type(), event.actor().name().toLowerCase(Locale.ROOT), event.actorId(),
                client(), details);
    }

    private static ClientInfo client() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return new ClientInfo(request.getRemoteAddr(), request.getHeader(HttpHeaders.USER_AGENT), MDC.get("requestId"));
        }
        return new ClientInfo(null, null, MDC.get("requestId"));
    }
}
