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

    /**
     * What a check found. {@code evidence} is public (the trust page, its API, the signed bundle): whether the claim
     * holds and by how much it fails. {@code operatorEvidence} is for the platform's operators only: the platform's
     * size (organisations, chains, rows), how and where the root key is held, what an exception said.
     */
    record Result(Status status, Map<String, Object> evidence, Map<String, Object> operatorEvidence) {

        public Result(Status status, Map<String, Object> evidence) {
            this(status, evidence, Map.of());
        }

        /** The same verdict and public evidence, with {@code more} shown to the platform's operators only. */
        public Result forOperators(Map<String, Object> more) {
            return new Result(status, evidence, more);
        }

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
