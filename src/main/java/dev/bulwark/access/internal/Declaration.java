package dev.bulwark.access.internal;

import java.util.ArrayList;
import java.util.List;

import dev.bulwark.access.Public;
import dev.bulwark.access.Requires;
import dev.bulwark.access.SignedIn;
import org.springframework.web.method.HandlerMethod;

/** What an endpoint declares about who may call it: exactly one of the three annotations, read once per handler. */
public sealed interface Declaration {

    /**
     * Handlers of libraries, allowed without a declaration of ours, each with the reason; the HTTP security policy
     * still applies to them.
     */
    List<String> LIBRARY_ENDPOINTS = List.of();

    /** Open to anyone ({@link Public}). */
    record Open() implements Declaration {
    }

    /** A signed-in person's own affairs ({@link SignedIn}). */
    record Personal() implements Declaration {
    }

    /** An organisation's resource, with the permission it needs ({@link Requires}). */
    record InOrganisation(Requires requires) implements Declaration {
    }

    /** No declaration, or more than one: {@code ours} when the handler is Bulwark's own code. */
    record Undeclared(boolean ours, List<String> found) implements Declaration {
    }

    static Declaration of(HandlerMethod method) {
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
            return new Undeclared(method.getBeanType().getName().startsWith("dev.bulwark."), found);
        }
        return requires != null ? new InOrganisation(requires) : open ? new Open() : new Personal();
    }
}
