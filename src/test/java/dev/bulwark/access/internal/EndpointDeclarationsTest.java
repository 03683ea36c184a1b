package dev.bulwark.access.internal;

import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the running application declares who may call it (@Public, @SignedIn or @Requires), the HTTP
 * security policy agrees with each declaration, and an endpoint added without one is both reported here and refused
 * at run time.
 */
class EndpointDeclarationsTest extends IntegrationTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    /** The endpoints among {@code handlers} that declare nothing (or too much) and are not a listed library's. */
    static List<String> undeclared(Map<RequestMappingInfo, HandlerMethod> handlers) {
        List<String> found = new ArrayList<>();
        handlers.forEach((info, method) -> {
            if (Declaration.of(method) instanceof Declaration.Undeclared undeclared) {
                found.add(info + " -> " + method.getShortLogMessage() + " " + undeclared.found());
            }
        });
        return found;
    }

    @Test
    void everyEndpointOfTheRunningAppDeclaresWhoMayCallIt() {
        assertThat(mappings.getHandlerMethods()).hasSizeGreaterThan(40);
        assertThat(undeclared(mappings.getHandlerMethods())).isEmpty();
    }

    /** A controller someone forgot to declare. */
    static class Sneaky {
        @GetMapping("/api/v1/sneaky")
        public String sneaky() {
            return "secret";
        }
    }

    @Test
    void anUndeclaredEndpointIsReportedByTheCheck() throws Exception {
        Method method = Sneaky.class.getMethod("sneaky");
        RequestMappingInfo info = RequestMappingInfo.paths("/api/v1/sneaky").methods(RequestMethod.GET).build();
        assertThat(undeclared(Map.of(info, new HandlerMethod(new Sneaky(), method)))).hasSize(1);
    }

    @Test
    void anUndeclaredEndpointIsRefusedAtRunTime() throws Exception {
        RequestMappingInfo info = RequestMappingInfo.paths("/api/v1/sneaky").methods(RequestMethod.GET).build();
        mappings.registerMapping(info, new Sneaky(), Sneaky.class.getMethod("sneaky"));
        try {
            String email = signedUp();
            HttpResponse<String> response = get("/api/v1/sneaky", bearer(login(email)));
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).doesNotContain("secret");
        } finally {
            mappings.unregisterMapping(info);
        }
    }

    /** Public endpoints that check a guest's own credential (docs/guests.md) and answer 401 without it. */
    private static final java.util.Set<String> GUEST_CREDENTIAL = java.util.Set.of("/portal/magic", "/api/v1/portal/documents",
            "/api/v1/portal/documents/{documentId}");

    /**
     * Single sign-on's callback: public, and any failure of the flow (here: no code, an unknown state, no state cookie)
     * answers 401 with no session (docs/sso.md). The sign-in flow's own refusals are tested in sso/SingleSignOnTest.
     */
    private static final String SSO_CALLBACK = "/api/v1/auth/sso/callback";

    @Test
    void theSecurityPolicyLetsAnonymousCallersReachExactlyThePublicEndpoints() {
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (info.getPathPatternsCondition() == null || method.getBeanType().getSimpleName().equals("ProblemErrorController")) {
                return;
            }
            boolean open = Declaration.of(method) instanceof Declaration.Open;
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                String path = pattern.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                    HttpResponse<String> response = call(verb.name(), path, null, verb == RequestMethod.GET ? null : "{}");
                    if (open && GUEST_CREDENTIAL.contains(pattern)) {
                        // Public to the security chain, answering 401 itself without its own credential: never the
                        // chain's bearer challenge.
                        assertThat(response.headers().firstValue("WWW-Authenticate")).as("%s %s is @Public", verb, pattern).isEmpty();
                    } else if (open && pattern.equals(SSO_CALLBACK)) {
                        assertThat(response.statusCode()).as("%s %s", verb, pattern).isEqualTo(401);
                        assertThat(response.headers().allValues("Set-Cookie")).as("%s %s opens no session", verb, pattern)
                                .noneMatch(c -> c.startsWith("__Host-bulwark-access=") && !c.startsWith("__Host-bulwark-access=;"));
                    } else if (open) {
                        assertThat(response.statusCode()).as("%s %s is @Public", verb, pattern).isNotEqualTo(401);
                    } else {
                        assertThat(response.statusCode()).as("%s %s anonymous", verb, pattern).isEqualTo(401);
                    }
                }
            }
        });
    }
}
