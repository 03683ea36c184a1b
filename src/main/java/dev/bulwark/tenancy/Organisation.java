package dev.bulwark.tenancy;

import java.time.Instant;
import java.util.UUID;

/** A tenant: every customer record belongs to exactly one. */
public record Organisation(UUID id, String name, Instant createdAt) {

    /**
     * The platform organisation (a row of migration V2): home of what concerns no customer organisation, such as the
     * audit chain of events about no one's organisation, login addresses' keys and the mail outbox. Its only definition.
     */
    public static final UUID PLATFORM_ID = new UUID(0, 0);
}
