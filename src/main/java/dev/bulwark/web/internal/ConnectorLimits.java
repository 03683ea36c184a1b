package dev.bulwark.web.internal;

import dev.bulwark.web.HttpProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.stereotype.Component;

/**
 * Slow-client defence on every connector: a client that stalls while sending its request line and headers is cut off
 * after {@code bulwark.http.header-timeout}, one that stalls in the middle of its body after
 * {@code bulwark.http.body-timeout} (Tomcat's upload timeout, on), and headers are capped at
 * {@code bulwark.http.max-header-size} (431 past it). Total-time limits (a trickle that never stalls long enough)
 * belong to a proxy in front (docs/http-hardening.md).
 */
@Component
class ConnectorLimits implements TomcatConnectorCustomizer {

    private final HttpProperties properties;

    ConnectorLimits(HttpProperties properties) {
        this.properties = properties;
    }

    @Override
    public void customize(org.apache.catalina.connector.Connector connector) {
        connector.setProperty("connectionTimeout", String.valueOf(properties.headerTimeout().toMillis()));
        connector.setProperty("keepAliveTimeout", String.valueOf(properties.headerTimeout().toMillis()));
        connector.setProperty("disableUploadTimeout", "false");
        connector.setProperty("connectionUploadTimeout", String.valueOf(properties.bodyTimeout().toMillis()));
        connector.setProperty("maxHttpRequestHeaderSize", String.valueOf(properties.maxHeaderSize().toBytes()));
        connector.setProperty("maxHttpHeaderSize", String.valueOf(properties.maxHeaderSize().toBytes()));
        connector.setXpoweredBy(false);
    }
}
