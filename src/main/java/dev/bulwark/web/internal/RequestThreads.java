package dev.bulwark.web.internal;

import dev.bulwark.web.OverloadProperties;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Requests run on Tomcat's own pool of platform threads, on every connector, not on a new virtual thread each
 * (docs/resilience.md, "Request threads"). {@code spring.threads.virtual.enabled} still gives the rest of the
 * application (scheduled and async work, streamed answers) virtual threads; Spring Boot's customizer that would put the
 * plain connector's requests on them runs before this one, which takes that back.
 * <p>Why: a request's thread is reused, so what the libraries keep per thread is built once per thread, not once per
 * request — Tink builds its {@code SecureRandom} (after a failing class-path search for Conscrypt) and its AES-GCM
 * {@code Cipher} per thread, about 0.1 ms on a fresh one, which every request that seals or opens a field paid. And the
 * operating system time-slices platform threads, where virtual threads share the JVM's one carrier per core in the
 * order they became runnable: under a flood, an admitted request's every database round trip queued behind the
 * refusals. Measured in docs/benchmarks.md (the AI gateway's own cost, one gate per request, overload).
 * <p>The pool is never the limit the overload filter counts on: it holds at least every request the filter lets run
 * or wait (per route class, running and queued) plus {@link #SPARE} threads for the instant refusals, so a refusal never
 * waits for a thread behind requests that wait for a slot. {@code server.tomcat.threads.max} may set more, not fewer.
 * The spare room is large because the connector's queue in front of its threads is first in, first out and knows no
 * route class: with 64 spare threads, a burst of 1,000 connections on a cold server (every refusal slow until the JIT
 * has compiled the path) queued there, and a readiness probe waited 5.6 s behind 800 refusals while the server, once it
 * ran the probe, answered it in milliseconds. With a thread each, the operating system time-slices the refusals and the
 * probe runs at once. Threads are made only when requests need them and retired after 60 s idle; under a 1,000-connection
 * flood about 390 existed at the peak and the resident memory was no higher (docs/benchmarks.md, "Overload").
 * <p>Applied last to the plain connector (Spring Boot's own customizers put its virtual threads and
 * {@code server.tomcat.threads.max} on it first), and as a connector customizer to the HTTPS one, which
 * {@code TlsConfiguration} builds from those; applying it twice changes nothing.
 */
@Component
class RequestThreads implements TomcatConnectorCustomizer, WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    /** Threads beyond everything the overload filter admits: room to answer a burst of 1,000 connections 503 at once. */
    static final int SPARE = 1_024;

    private final OverloadProperties overload;

    RequestThreads(OverloadProperties overload) {
        this.overload = overload;
    }

    /** The fewest request threads that hold every admitted request and leave {@link #SPARE} for refusals. */
    static int fewestThreads(OverloadProperties overload) {
        return overload.api() + overload.apiQueue() + overload.ai() + overload.aiQueue() + overload.pages() + overload.pagesQueue() + overload.health()
                + overload.healthQueue() + SPARE;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> customize(connector)); // a new element of the factory's set: this one is in it already
    }

    @Override
    public void customize(Connector connector) {
        if (!(connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)) {
            throw new IllegalStateException("an HTTP connector without Tomcat's thread pool: " + connector.getProtocolHandler());
        }
        protocol.setExecutor(null); // null: the connector makes its own pool of platform threads when it starts
        protocol.setMaxThreads(Math.max(protocol.getMaxThreads(), fewestThreads(overload)));
    }
}
