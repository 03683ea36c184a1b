package dev.bulwark.access.internal;

import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.ApiKeyPrincipal;
import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.UnauthenticatedException;
import dev.bulwark.tenancy.Memberships;
import dev.bulwark.tenancy.Role;
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
 * Enforces every endpoint's declaration ({@link Requires}, {@code @SignedIn}, {@code @Public}): runs after
 * authentication and before the handler (so before its arguments, the body included, are read). For
 * {@link Requires} it resolves the organisation from the path and decides 404 / 403 from the live membership, then
 * hands the checked {@link Caller} to the handler as an argument. An endpoint with no declaration is refused.
 */
@Component
class OrganisationAccess implements HandlerInterceptor, HandlerMethodArgumentResolver {

    private static final String CALLER = OrganisationAccess.class.getName() + ".caller";

    private static final Logger log = LoggerFactory.getLogger(OrganisationAccess.class);

    private final Memberships memberships;

    OrganisationAccess(Memberships memberships) {
        this.memberships = memberships;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Declaration declaration = Declaration.of(method);
        switch (declaration) {
            case Declaration.Undeclared undeclared -> {
                // Fail closed: an endpoint without a rule serves nobody, ours or a library's not listed as public
                // (EndpointDeclarationsTest keeps it from shipping).
                log.error("Refused a request to {}: it declares no access rule", method.getShortLogMessage());
                throw new ForbiddenException("You are not allowed to do this.");
            }
            case Declaration.Open open -> {
            }
            case Declaration.Personal personal -> person();
            case Declaration.InOrganisation organisation -> request.setAttribute(CALLER, check(request, organisation));
        }
        return true;
    }

    /** The checked caller of this request, when its endpoint is an organisation's; else null. */
    static Caller callerOf(HttpServletRequest request) {
        return (Caller) request.getAttribute(CALLER);
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
     * 404 unless the organisation is the caller's (a member, or the key's own organisation) and, for a
     * project-scoped key, the path names its project; 403 unless the role (and a key's role) grants the permission.
     */
    private Caller check(HttpServletRequest request, Declaration.InOrganisation declaration) {
        Requires requires = declaration.requires();
        UUID orgId = orgId(request);
        Object principal = principal();
        if (principal instanceof ApiKeyPrincipal key) {
            if (!key.orgId().equals(orgId) || (key.projectId() != null && !key.projectId().toString().equals(pathVariable(request, "projectId")))) {
                throw new NotFoundException("There is nothing here.");
            }
            Role creatorRole = role(orgId, key.creatorId(), requires);
            if (declaration.peopleOnly()) {
                throw new ForbiddenException("An API key cannot do this; sign in as a person.");
            }
            if (!requires.value().grantedTo(key.role())) {
                throw new ForbiddenException("This API key's role does not allow this.");
            }
            return new Caller(orgId, key.creatorId(), null, creatorRole, key.role(), key.keyId(), key.projectId());
        }
        Jwt jwt = (Jwt) principal;
        UUID userId = UUID.fromString(jwt.getSubject());
        return Caller.person(orgId, userId, UUID.fromString(jwt.getClaimAsString("sid")), role(orgId, userId, requires));
    }

    private Role role(UUID orgId, UUID userId, Requires requires) {
        Role role = requires.enforcePolicy()
                ? memberships.require(orgId, userId, requires.value(), requires.whileDeletionPending())
                : memberships.roleOf(orgId, userId).orElseThrow(() -> new NotFoundException("There is no such organisation."));
        if (!requires.value().grantedTo(role)) {
            throw new ForbiddenException("Your role in this organisation does not allow this.");
        }
        return role;
    }

    /** A person's own endpoint: an API key never acts as a person (never changes factors, sessions or passwords). */
    private static void person() {
        if (principal() instanceof ApiKeyPrincipal) {
            throw new ForbiddenException("An API key cannot do this; sign in as a person.");
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
