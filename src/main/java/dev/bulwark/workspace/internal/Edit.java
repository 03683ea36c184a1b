package dev.bulwark.workspace.internal;

/**
 * One field of a PATCH: absent (leave the stored value alone) or present with a new value, where a present null
 * clears an optional field (RFC 7396 merge-patch semantics).
 */
public record Edit<T>(boolean present, T value) {

    private static final Edit<?> ABSENT = new Edit<>(false, null);

    @SuppressWarnings("unchecked")
    public static <T> Edit<T> absent() {
        return (Edit<T>) ABSENT;
    }

    public static <T> Edit<T> to(T value) {
        return new Edit<>(true, value);
    }

    /** The value after the edit: the new one when present, else {@code current}. */
    public T applyTo(T current) {
        return present ? value : current;
    }
}
