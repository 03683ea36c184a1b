package dev.bulwark.audit;

import java.util.UUID;

import dev.bulwark.access.Caller;

/**
 * Who acted: a signed-in person ({@code user}), an API key ({@code apikey}, id of the key), Bulwark itself
 * ({@code system}: scheduled jobs), nobody known ({@code anonymous}: a sign-in attempt for an unknown email), or a
 * guest of a project's portal ({@code guest}, id of the guest: docs/guests.md), who is no user of Bulwark.
 */
public record Actor(String type, UUID id) {

    public Actor {
        if (!type.equals("user") && !type.equals("apikey") && !type.equals("system") && !type.equals("anonymous")
                && !type.equals("guest")) {
            throw new IllegalArgumentException("unknown actor type " + type);
        }
        if (type.equals("user") || type.equals("apikey") || type.equals("guest")) {
            java.util.Objects.requireNonNull(id, "a user, key or guest actor has an id");
        }
    }

    public static Actor user(UUID userId) {
        return new Actor("user", userId);
    }

    public static Actor apiKey(UUID keyId) {
        return new Actor("apikey", keyId);
    }

    /** Whoever acts in an organisation request: the API key when one is used, else the signed-in person. */
    public static Actor of(Caller caller) {
        return caller.isApiKey() ? apiKey(caller.apiKeyId()) : user(caller.userId());
    }

    /** A guest of a project's portal, by the guest's id. */
    public static Actor guest(UUID guestId) {
        return new Actor("guest", guestId);
    }

    public static Actor system() {
        return new Actor("system", null);
    }

    public static Actor anonymous() {
        return new Actor("anonymous", null);
    }
}
