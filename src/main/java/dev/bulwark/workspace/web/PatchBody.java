package dev.bulwark.workspace.web;

import java.util.HashSet;
import java.util.Set;

import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.workspace.internal.Edit;

/**
 * A PATCH body (docs/api.md; RFC 7396 merge-patch semantics): Jackson calls a setter for every field the JSON
 * names, null included, so the body knows "absent: leave alone" from "null: clear". Records cannot tell the two
 * apart, hence setters.
 */
abstract class PatchBody {

    private final Set<String> present = new HashSet<>();

    protected final void mark(String field) {
        present.add(field);
    }

    /** An optional field: null clears it. */
    protected final <T> Edit<T> optional(String field, T value) {
        return present.contains(field) ? Edit.to(value) : Edit.absent();
    }

    /** A required field: it may be left out, but not set to null. */
    protected final <T> Edit<T> required(String field, T value) {
        if (present.contains(field) && value == null) {
            throw new InvalidInputException(field, "must not be null");
        }
        return optional(field, value);
    }
}
