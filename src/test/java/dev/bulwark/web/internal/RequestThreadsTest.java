package dev.bulwark.web.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import dev.bulwark.IntegrationTest;
import dev.bulwark.web.OverloadProperties;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests run on the connector's own pool of platform threads, reused from one request to the next, and the pool holds
 * every request the overload filter admits plus room for its refusals (docs/resilience.md, "Request threads").
 */
class RequestThreadsTest extends IntegrationTest {

    @Autowired
    private WebServerApplicationContext context;

    @Autowired
    private OverloadProperties overload;

    @Test
    void requestsRunOnAReusedPoolOfPlatformThreadsLargeEnoughForEveryAdmittedRequest() throws Exception {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        assertThat(connector.getProtocolHandler().getExecutor())
                .as("the plain connector's executor: Tomcat's pool, not a virtual thread per request")
                .isInstanceOf(ThreadPoolExecutor.class);
        ThreadPoolExecutor pool = (ThreadPoolExecutor) connector.getProtocolHandler().getExecutor();
        assertThat(pool.getMaximumPoolSize()).isGreaterThanOrEqualTo(overload.api() + overload.apiQueue() + overload.ai()
                + overload.aiQueue() + overload.pages() + overload.pagesQueue() + overload.health() + overload.healthQueue()
                + RequestThreads.SPARE);
        assertThat(RequestThreads.SPARE).as("a burst of 1,000 connections finds a thread each").isGreaterThanOrEqualTo(1_000);

        assertThat(pool.getThreadFactory().newThread(() -> { }).isVirtual()).as("a pool thread is virtual").isFalse();

        // Requests run on that pool: it completes tasks while they are answered (one task may answer several requests of a
        // kept-alive connection, so not one task each).
        long before = pool.getCompletedTaskCount();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            statuses.add(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/liveness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertThat(statuses).containsOnly(200);
        assertThat(pool.getCompletedTaskCount() - before).isPositive();
    }
}
