package dev.bulwark.audit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a state-changing endpoint records in the audit log (docs/audit-events.md). Every POST, PUT, PATCH and DELETE
 * handler carries it: a successful call commits exactly one event of one of the {@link #value} types, with its actor, IP
 * and request id; a failed call commits none of them. {@link #unless} names the one successful case that records
 * nothing (e.g. a sign-in that still needs its second factor); {@link #none} says why an endpoint records nothing at
 * all. The audit module checks each call against this declaration ({@code bulwark.audit.declarations}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /** The event types a successful call records, one of them exactly once (a user's own event: once a chain). */
    AuditType[] value() default {};

    /** When a successful call legitimately records none of them. */
    String unless() default "";

    /** Why this state-changing endpoint records nothing (then {@link #value} is empty). */
    String none() default "";

    /**
     * Why a call its handler refuses or fails also records one of the {@link #value} events (a receipt of every
     * outcome, such as the AI gateway's): then a failed call commits at most one of them a chain, and a call refused
     * before its handler (access, validation) none. Empty: a failed call commits none.
     */
    String alsoOnFailure() default "";
}
