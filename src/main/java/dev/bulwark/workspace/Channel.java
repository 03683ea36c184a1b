package dev.bulwark.workspace;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an interaction with a contact happened. Each channel has its own retention (docs/api.md). */
public enum Channel {
    @JsonProperty("call") CALL,
    @JsonProperty("email") EMAIL,
    @JsonProperty("chat") CHAT,
    @JsonProperty("note") NOTE;

    /** The name on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Channel ofWire(String wire) {
        return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
}
