package dev.bulwark.access;

import java.util.Map;
import java.util.UUID;

/**
 * Something happened to an organisation's API key: {@code apikey.created}, {@code apikey.revoked} or
 * {@code apikey.leak_reported}. Published synchronously inside the changing transaction; the audit log
 * records it. The details never hold the key or its hash.
 */
public record ApiKeyEvent(UUID orgId, String type, UUID keyId, Actor actor, UUID actorId, Map<String, Object> details) {

    /** Who did it: a signed-in person, one of the organisation's keys, or an anonymous reporter of a leak. */
    public enum Actor { USER, APIKEY, ANONYMOUS }

    /** An event acted by {@code caller}: the person, or the key itself when a key acts. */
    public static ApiKeyEvent by(Caller caller, String type, UUID keyId, Map<String, Object> details) {
        return caller.isApiKey()
                ? new ApiKeyEvent(caller.orgId(), type, keyId, Actor.APIKEY, caller.apiKeyId(), details)
                : new ApiKeyEvent(caller.orgId(), type, keyId, Actor.USER, caller.userId(), details);
    }
}
