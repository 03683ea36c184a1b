package dev.bulwark.audit;

import java.util.UUID;

/** What an event is about: a type ({@code contact}, {@code member}, …) and its id. */
public record Entity(String type, String id) {

    public static Entity of(String type, UUID id) {
        return new Entity(type, id == null ? null : id.toString());
    }

    /** The organisation itself: what an event about its settings, keys or data as a whole is about. */
    public static Entity organisation(UUID orgId) {
        return of("organisation", orgId);
    }
}
