package dev.bulwark.web.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Says where Bulwark answers, once it does. */
@Component
class StartupBanner implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() == null) { // not a management child context
            log.info("Bulwark is running at http://localhost:{}/ (health: /actuator/health)", event.getWebServer().getPort());
        }
    }
}
