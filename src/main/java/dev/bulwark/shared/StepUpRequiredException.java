package dev.bulwark.shared;

/** A sensitive action without a recently verified factor: answered 401 with a type ending in /step-up-required. */
public class StepUpRequiredException extends RuntimeException {

    public StepUpRequiredException() {
        super("This action needs a recent verification: POST /api/v1/auth/step-up, then try again.");
    }
}
