package dev.bulwark.access.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.bulwark.access.Public;
import dev.bulwark.access.Requires;
import dev.bulwark.access.SignedIn;
import org.springframework.web.method.HandlerMethod;

/** What an endpoint declares about who may call it: exactly one of the three annotations, read once per handler. */
public sealed interface Declaration {

    /**
     * Handlers of libraries that cannot carry our annotations and are public on purpose, each with the reason. Any
     * other handler without a declaration, a library's or ours, is refused.
     */
    Map<String, String> PUBLIC_LIBRARY_ENDPOINTS = Map.of(
            "org.springdoc.webmvc.api.OpenApiWebMvcResource",
            "the OpenAPI description of the API (/v3/api-docs): published like any API reference, it holds no data");

    /** Open to anyone ({@link Public}). */
    record Open() implements Declaration {
    }

    /** A signed-in person's own affairs ({@link SignedIn}). */
    record Personal() implements Declaration {
    }

    /** An organisation's resource, with the permission it needs ({@link Requires}). */
    record InOrganisation(Requires requires) implements Declaration {

        /** Whether only a signed-in person may call it: declared so, or its permission is one no API key holds. */
        public boolean peopleOnly() {
            return requires.personOnly() || !requires.value().heldByKeys();
        }
    }

    /** No declaration, or more than one (those {@code found}). */
    record Undeclared(List<String> found) implements Declaration {
    }

    /** The declaration of a handler, read once per handler method. */
    static Declaration of(HandlerMethod method) {
        return DeclarationsRead.CACHE.computeIfAbsent(List.of(method.getBeanType(), method.getMethod()), key -> read(method));
    }

    private static Declaration read(HandlerMethod method) {
        if (PUBLIC_LIBRARY_ENDPOINTS.containsKey(method.getBeanType().getName())) {
            return new Open();
        }
        Requires requires = method.getMethodAnnotation(Requires.class);
        boolean open = method.hasMethodAnnotation(Public.class);
        boolean personal = method.hasMethodAnnotation(SignedIn.class);
        List<String> found = new ArrayList<>();
        if (requires != null) {
            found.add("@Requires");
        }
        if (open) {
            found.add("@Public");
        }
        if (personal) {
            found.add("@SignedIn");
        }
        if (found.size() != 1) {
            return new Undeclared(found);
        }
        return requires != null ? new InOrganisation(requires) : open ? new Open() : new Personal();
    }
}

/** Declarations already read: HandlerMethod instances differ per request, their bean types and methods do not. */
final class DeclarationsRead {

    static final Map<List<Object>, Declaration> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    private DeclarationsRead() {
    }
}
