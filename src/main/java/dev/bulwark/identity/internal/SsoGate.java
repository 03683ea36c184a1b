package dev.bulwark.identity.internal;

import java.util.List;

import dev.bulwark.identity.SsoEnforcement;
import org.springframework.stereotype.Component;

/**
 * Refuses (403 {@code sso-required}) a password path for an address whose organisation enforces single sign-on: the
 * sso module's {@link SsoEnforcement}, when it is part of the application.
 */
@Component
class SsoGate {

    private final List<SsoEnforcement> enforcements;

    SsoGate(List<SsoEnforcement> enforcements) {
        this.enforcements = List.copyOf(enforcements);
    }

    void refuseEnforced(String email) {
        if (email != null && enforcements.stream().anyMatch(e -> e.enforcedFor(email))) {
            throw SsoEnforcement.refusal();
        }
    }
}
