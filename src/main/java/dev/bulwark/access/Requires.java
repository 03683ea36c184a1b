package dev.bulwark.access;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.bulwark.tenancy.Permission;

/**
 * The permission an organisation-scoped endpoint ({@code /api/v1/orgs/{orgId}/…}) needs. Checked before the handler
 * runs, before its body is even read: a caller who is not a member of {@code orgId} gets 404, a member whose role
 * lacks the permission 403. The handler receives the checked {@link Caller}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {

    Permission value();

    /**
     * Whether the organisation's policy (MFA, verified email) must be met too. Off only where a member who fell out
     * of policy must still act: leaving the organisation.
     */
    boolean enforcePolicy() default true;

    /**
     * Whether only a signed-in person may do this, never an API key of any role (a key never creates keys): refused
     * with 403 before the body is read, like any other missing permission. Implied by a permission no key holds
     * ({@link Permission#heldByKeys()}).
     */
    boolean personOnly() default false;

    /**
     * Whether the endpoint serves an organisation whose deletion is pending (disabled). Every other endpoint answers
     * such an organisation 404, to its members and keys alike; only reading the deletion's state and cancelling it are allowed through.
     */
    boolean whileDeletionPending() default false;
}
