package dev.bulwark.ai.internal;

import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.ai.AiProperties;
import dev.bulwark.ai.sanitiser.KnownPeople;
import dev.bulwark.workspace.ContactsChanged;
import dev.bulwark.workspace.WorkspaceReferences;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The matcher of each organisation's known people (its contacts' names and emails), built once and reused across
 * calls: contacts are encrypted, and decrypting every one of them for every call would dominate the gateway's cost.
 * An entry lives at most {@code bulwark.ai.known-people-ttl} after it was built, and a contact created, changed,
 * deleted or erased on this instance drops its organisation's entry once that change commits; another instance's
 * change is seen when the entry expires. Bounded in size; the matchers hold decrypted names, so they stay in memory
 * only (never written anywhere).
 */
@Component
class KnownPeopleCache {

    private static final int MAX_ORGANISATIONS = 10_000;

    private final WorkspaceReferences workspace;
    private final Cache<UUID, KnownPeople> cache;

    KnownPeopleCache(WorkspaceReferences workspace, AiProperties properties) {
        this.workspace = workspace;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(properties.knownPeopleTtl())
                .maximumSize(MAX_ORGANISATIONS)
                .build();
    }

    /** The organisation's matcher, built from its contacts if none is cached. */
    KnownPeople of(UUID org) {
        return cache.get(org, this::load);
    }

    private KnownPeople load(UUID org) {
        WorkspaceReferences.People people = workspace.people(org);
        return people.names().isEmpty() && people.emails().isEmpty() ? KnownPeople.none()
                : KnownPeople.of(people.names(), people.emails());
    }

    /** After the change commits (or at once, outside a transaction), so no load can put back what it replaced. */
    @TransactionalEventListener(fallbackExecution = true)
    void contactsChanged(ContactsChanged change) {
        cache.invalidate(change.org());
    }
}
