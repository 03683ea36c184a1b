package dev.bulwark.keys;

/**
 * Bulwark will not run on these keys: its data exists but a key does not, or a key does not open what it must. At start
 * this stops Bulwark with one line (its message: the cause, then what to do), never a stack trace.
 */
public class KeysRefusedException extends IllegalStateException {

    private final String action;

    public KeysRefusedException(String cause, String action) {
        super(cause + ": " + action);
        this.action = action;
    }

    /** What the operator should do, e.g. restore the key directory. */
    public String action() {
        return action;
    }
}
