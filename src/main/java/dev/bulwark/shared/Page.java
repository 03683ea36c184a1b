package dev.bulwark.shared;

import java.util.List;

/** Every list answer (docs/api.md): the items and the cursor of the next page, null on the last one. */
public record Page<T>(List<T> items, String nextCursor) {
}
