package dev.bulwark.tenancy;

import java.util.Map;

/**
 * What the supervision of the embedded database has to say, for the trust center: whether this instance supervises its
 * PostgreSQL (an external one is its platform's to restart), its state now, and the restarts since this instance
 * started. Nothing secret.
 */
public interface DatabaseSupervision {

    /** Whether this instance runs and supervises an embedded PostgreSQL. */
    boolean supervised();

    /** {@code running}, {@code restarting} or {@code gave_up}; {@code external} when not supervised. */
    String state();

    /** The restarts since this instance started, the state's start, and (while not running) the last failure. */
    Map<String, Object> details();
}
