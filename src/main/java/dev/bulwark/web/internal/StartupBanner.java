package dev.bulwark.web.internal;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Says where Bulwark answers, once it does, and in the same line what is not yet configured for production
 * ({@link ProductionChecklist}): one line a newcomer can act on.
 */
@Component
class StartupBanner implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() == null) { // not a management child context
            List<String> gaps = ProductionChecklist.gaps(event.getApplicationContext().getEnvironment());
            log.info("Bulwark is running at http://localhost:{}/ (health: /actuator/health); {}", event.getWebServer().getPort(),
                    gaps.isEmpty() ? "configured for production" : "not yet configured for production: " + String.join(", ", gaps));
        }
    }
}
