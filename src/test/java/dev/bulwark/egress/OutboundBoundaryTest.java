package dev.bulwark.egress;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Egress is the one way Bulwark opens an outbound connection (docs/egress.md#one-way-out): no class outside
 * {@code dev.bulwark.egress} may use an HTTP client (the JDK's, {@code URLConnection}, Spring's {@code RestClient},
 * {@code RestTemplate}, {@code WebClient}, Apache's, Jetty's, OkHttp), a client socket or channel, a socket factory, a
 * mail transport, or {@code URL.openConnection}/{@code openStream}/{@code getContent} — except the named classes below,
 * each of which connects only where the operator or the process itself points it, never where a user does.
 */
class OutboundBoundaryTest {

    /**
     * The exceptions, each with why it may connect by itself. None takes a destination from a request or a stored
     * record: the host and port are the application's own listener or the operator's configuration.
     */
    static final Set<String> EXCEPTIONS = Set.of(
            // Handshakes with the application's own HTTPS connector on 127.0.0.1, at the port Tomcat reports: the
            // trust center's edge.tls check (docs/trust-center.md).
            "dev.bulwark.web.TlsProbe",
            // The trust center's calls to this very application on 127.0.0.1 at local.server.port (security headers,
            // security.txt), with the per-process secret of web/SelfRequests.
            "dev.bulwark.trust.internal.Controls",
            // Mail goes to the SMTP relay the operator configures (spring.mail.host/port); users name recipients,
            // never the server that is connected to.
            "dev.bulwark.identity.internal.Mailer");

    private static final List<String> OUTBOUND_PACKAGES = List.of("org.springframework.web.client.",
            "org.springframework.web.reactive.function.client.", "org.apache.hc.client5.", "org.apache.http.client.",
            "org.eclipse.jetty.client.", "okhttp3.", "jakarta.mail.", "javax.mail.",
            "org.springframework.mail.");

    private static final List<String> OUTBOUND_TYPES = List.of("java.net.http.HttpClient", "java.net.http.WebSocket",
            "java.net.Socket", "java.net.URLConnection",
            "java.net.DatagramSocket", "java.net.MulticastSocket", "java.nio.channels.SocketChannel",
            "java.nio.channels.AsynchronousSocketChannel", "java.nio.channels.DatagramChannel", "javax.net.SocketFactory",
            "java.net.Proxy");

    /** A type whose use opens, or configures, an outbound connection. */
    static final DescribedPredicate<JavaClass> OUTBOUND = DescribedPredicate.describe("an outbound client, socket or transport",
            type -> OUTBOUND_PACKAGES.stream().anyMatch(p -> type.getName().startsWith(p))
                    || OUTBOUND_TYPES.stream().anyMatch(type::isAssignableTo));

    /** {@code URL.openConnection}, {@code openStream} and {@code getContent}: a connection from a URL. */
    static final DescribedPredicate<JavaAccess<?>> URL_CONNECTS = DescribedPredicate.describe("URL.openConnection/openStream/getContent",
            access -> access.getTargetOwner().isAssignableTo(java.net.URL.class)
                    && Set.of("openConnection", "openStream", "getContent").contains(access.getName()));

    static ArchRule rule(String allowedPackage) {
        return noClasses().that().resideOutsideOfPackage(allowedPackage)
                .and(DescribedPredicate.describe("not a named exception", (JavaClass c) -> !EXCEPTIONS.contains(c.getName())
                        && !EXCEPTIONS.contains(c.getName().replaceAll("\\$.*", ""))))
                .should().dependOnClassesThat(OUTBOUND)
                .orShould().accessTargetWhere(URL_CONNECTS)
                .because("egress (dev.bulwark.egress) is the one way out: docs/egress.md");
    }

    @Test
    void noClassOutsideEgressOpensAnOutboundConnection() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bulwark");
        rule("dev.bulwark.egress..").check(main);
    }

    @Test
    void everyNamedExceptionStillExistsAndStillConnects() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bulwark");
        for (String exception : EXCEPTIONS) {
            assertThat(main.contain(exception)).as(exception + " exists").isTrue();
            JavaClass type = main.get(exception);
            assertThat(type.getDirectDependenciesFromSelf()).as(exception + " still connects out: else drop the exception")
                    .anyMatch(d -> OUTBOUND.test(d.getTargetClass()));
        }
    }

    @Test
    void theRuleCatchesEachKindOfOutboundCall() {
        JavaClasses planted = new ClassFileImporter().importClasses(JdkClient.class, RawSocket.class, UrlStream.class, Quiet.class);
        EvaluationResult result = rule("dev.bulwark.nowhere..").evaluate(planted);
        String report = result.getFailureReport().toString();
        assertThat(report).contains(JdkClient.class.getName()).contains(RawSocket.class.getName())
                .contains(UrlStream.class.getName()).doesNotContain(Quiet.class.getName());
    }

    /** Planted: the JDK's HTTP client. */
    static class JdkClient {
        Object call() {
            return HttpClient.newHttpClient();
        }
    }

    /** Planted: a client socket. */
    static class RawSocket {
        Object call() throws IOException {
            return new Socket("example.com", 80);
        }
    }

    /** Planted: a URL's own connection. */
    static class UrlStream {
        Object call() throws IOException {
            return URI.create("http://example.com/").toURL().openStream();
        }
    }

    /** Planted: parsing a URI connects nowhere. */
    static class Quiet {
        Object call() {
            return URI.create("http://example.com/").getHost();
        }
    }
}
