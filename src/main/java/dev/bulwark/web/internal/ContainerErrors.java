package dev.bulwark.web.internal;

import java.io.IOException;

import dev.bulwark.web.HttpProperties;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before any filter runs — a URI with an encoded NUL, an encoded slash or a malformed escape, a
 * malformed request line — answer problem JSON with the API's security headers, like every other error, instead of
 * Tomcat's HTML error page. Spring Boot puts a plain ErrorReportValve on the host, and the host adds one at start
 * unless its configured class is present; this customizer runs after Boot's, puts this one in their place and names it
 * the host's.
 */
@Component
class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private final ObjectProvider<ProblemWriter> problems;
    private final boolean hstsAlways;

    ContainerErrors(ObjectProvider<ProblemWriter> problems, HttpProperties properties) {
        this.problems = problems;
        this.hstsAlways = properties.hstsAlways();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            var pipeline = context.getParent().getPipeline();
            for (Valve valve : pipeline.getValves()) {
                if (valve instanceof ErrorReportValve) {
                    pipeline.removeValve(valve);
                }
            }
            pipeline.addValve(new ProblemReportValve());
            // The host adds its own ErrorReportValve at start unless one of exactly this class is in place.
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        });
    }

    /** Tomcat's error report, as problem JSON; an error the application already answered is left alone. */
    private final class ProblemReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            try {
                SecurityHeadersFilter.write(response, SecurityHeadersFilter.API_POLICY, request.isSecure() || hstsAlways);
                problems.getObject().write(request, response, Problems.forStatus(status));
                response.finishResponse();
            } catch (IOException | IllegalStateException gone) {
                // The client went away or the response could not be written: nothing left to tell it.
            }
        }
    }
}
