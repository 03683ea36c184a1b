package dev.bulwark.access;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an endpoint about the signed-in person themselves, in no organisation ({@code /me}, their sessions,
 * factors, password, step-up, sign-out, accepting an invitation). Only a signed-in user reaches it; an API key is
 * refused with 403, since keys never change factors or act as a person.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SignedIn {
}
