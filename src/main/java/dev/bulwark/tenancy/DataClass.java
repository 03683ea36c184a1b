package dev.bulwark.tenancy;

import java.util.Arrays;
import java.util.Optional;

/**
 * The classes of data a retention policy governs, with docs/api.md's default periods: seeded for every new organisation
 * ({@link Organisations#create}) and enforced by the retention enforcer.
 */
public enum DataClass {
    INTERACTION_CALL("interaction.call", 365),
    INTERACTION_CHAT("interaction.chat", 365),
    INTERACTION_EMAIL("interaction.email", 730),
    INTERACTION_NOTE("interaction.note", 730),
    AI_USAGE("ai.usage", 90),
    AUDIT_LOG("audit.log", 2555);

    private final String id;
    private final int defaultDays;

    DataClass(String id, int defaultDays) {
        this.id = id;
        this.defaultDays = defaultDays;
    }

    /** As the API and the database name it, e.g. {@code interaction.call}. */
    public String id() {
        return id;
    }

    public int defaultDays() {
        return defaultDays;
    }

    public static Optional<DataClass> of(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }
}
