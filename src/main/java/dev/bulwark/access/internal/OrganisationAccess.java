package dev.bulwark.access.internal;

import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.ApiKeyPrincipal;
import dev.bulwark.access.Caller;
import dev.bulwark.access.Gate;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.UnauthenticatedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Enforces every endpoint's declaration ({@code @Requires}, {@code @SignedIn}, {@code @Public}) after authentication
 * and before the handler (so before its arguments, the body included, are parsed). An endpoint with no declaration is
 * refused. For {@code @Requires}, {@link GatedRequests} calls {@link #admit} as the first statement of the request's
 * transaction; the checked {@link Caller} then reaches the handler as an argument.
 */
@Component
class OrganisationAccess implements HandlerInterceptor, HandlerMethodArgumentResolver {

    private static final String CALLER = OrganisationAccess.class.getName() + ".caller";

    private static final Logger log = LoggerFactory.getLogger(OrganisationAccess.class);

    private final Gate gate;

    OrganisationAccess(Gate gate) {
        this.gate = gate;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        switch (Declaration.of(method)) {
            case Declaration.Undeclared undeclared -> {
                // Fail closed: an endpoint without a rule serves nobody, ours or a library's not listed as public
                // (EndpointDeclarationsTest keeps it from shipping).
                log.error("Refused a request to {}: it declares no access rule", method.getShortLogMessage());
                throw new ForbiddenException("You are not allowed to do this.");
            }
            case Declaration.Open open -> liveKeyIfAny(request);
            case Declaration.Personal personal -> person(request);
            case Declaration.InOrganisation organisation -> {
                // Admitted by the gate, in the request's transaction (GatedRequests), after the caller's own budget.
            }
        }
        return true;
    }

    /**
     * The gate's check for an organisation's endpoint: 404 unless the organisation is the caller's (a member, or the
     * key's own organisation) and, for a project-scoped key, the path names its project; 403 unless the role (and a
     * key's role) grants the permission. Must run as the first statement of the request's transaction.
     */
    Caller admit(HttpServletRequest request, Declaration.InOrganisation declaration) {
        UUID orgId = orgId(request);
        Caller caller = switch (principal()) {
            case ApiKeyPrincipal key -> gate.apiKey(orgId, key, request.getRemoteAddr(), pathVariable(request, "projectId"),
                    declaration.requires(), declaration.peopleOnly());
            case Jwt jwt -> gate.person(orgId, UUID.fromString(jwt.getSubject()), UUID.fromString(jwt.getClaimAsString("sid")),
                    declaration.requires());
            default -> throw new IllegalStateException("unexpected principal");
        };
        request.setAttribute(CALLER, caller);
        return caller;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                  WebDataBinderFactory binderFactory) {
        Object caller = request.getAttribute(CALLER, RequestAttributes.SCOPE_REQUEST);
        if (caller == null) {
            // A handler asked for a Caller without declaring @Requires: a programming error, never a silent pass.
            throw new IllegalStateException("Caller requested by a handler without @Requires: " + parameter.getMethod());
        }
        return (Caller) caller;
    }

    private static UUID orgId(HttpServletRequest request) {
        String value = pathVariable(request, "orgId");
        if (value == null) {
            throw new IllegalStateException("@Requires on a path without {orgId}: " + request.getRequestURI());
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            // As any other path variable that is not a UUID: a 400 naming it, decided before any lookup.
            throw new InvalidInputException("orgId", "has the wrong type");
        }
    }

    /**
     * A person's own endpoint: an API key never acts as a person (never changes factors, sessions or passwords). A
     * dead key is answered 401 like any other bad credential, a live one 403.
     */
    private void person(HttpServletRequest request) {
        if (principal() instanceof ApiKeyPrincipal key) {
            requireLive(request, key);
            throw new ForbiddenException("An API key cannot do this; sign in as a person.");
        }
    }

    /** A public endpoint ignores who calls it, but a dead key presented to it still answers 401. */
    private void liveKeyIfAny(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof ApiKeyPrincipal key) {
            requireLive(request, key);
        }
    }

    private void requireLive(HttpServletRequest request, ApiKeyPrincipal key) {
        if (!gate.isLive(key, request.getRemoteAddr())) {
            throw new UnauthenticatedException("The API key is not valid.");
        }
    }

    private static Object principal() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && (authentication.getPrincipal() instanceof Jwt || authentication.getPrincipal() instanceof ApiKeyPrincipal)) {
            return authentication.getPrincipal();
        }
        throw new UnauthenticatedException("Authentication is required: a valid bearer token.");
    }

    private static String pathVariable(HttpServletRequest request, String name) {
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return variables == null ? null : variables.get(name);
    }
}
