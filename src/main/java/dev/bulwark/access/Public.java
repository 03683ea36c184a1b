package dev.bulwark.access;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an endpoint open to anyone, signed in or not (sign-in, signup, public keys, errors). The HTTP security
 * policy (web/internal/SecurityConfiguration) must list its path as permitted; EndpointDeclarationsTest checks both.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Public {
}
