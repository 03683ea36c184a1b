package dev.bulwark.trust;

import java.time.Duration;
import java.util.Map;

/** One live check of a control: runs against the running system and says pass, fail or not configured, with evidence. */
public interface Check {

    /** Stable id, e.g. {@code isolation.rls-catalog}. */
    String id();

    /** How long a result stays fresh; an older one is shown as {@code stale}, never {@code pass}. */
    Duration freshFor();

    Result run();

    /** What a check found. */
    record Result(Status status, Map<String, Object> evidence) {

        public static Result pass(Map<String, Object> evidence) {
            return new Result(Status.PASS, evidence);
        }

        public static Result fail(Map<String, Object> evidence) {
            return new Result(Status.FAIL, evidence);
        }

        public static Result notConfigured(Map<String, Object> evidence) {
            return new Result(Status.NOT_CONFIGURED, evidence);
        }
    }

    /** As stored; {@code stale} is never stored, only shown. */
    enum Status {
        PASS, FAIL, NOT_CONFIGURED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
