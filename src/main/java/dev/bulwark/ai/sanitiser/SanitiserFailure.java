package dev.bulwark.ai.sanitiser;

/**
 * The sanitiser could not scrub a text: an internal error, a text that ran past its time budget, or rules that failed to
 * load. The caller sends nothing to the provider (fail closed). The message never carries any of the text.
 */
public class SanitiserFailure extends RuntimeException {

    SanitiserFailure(String message) {
        super(message, null, false, false);
    }

    SanitiserFailure(String message, Throwable cause) {
        // The cause's class is kept for diagnosis; its message may quote the text, so it is not.
        super(message + " (" + cause.getClass().getSimpleName() + ")", null, false, false);
    }
}
