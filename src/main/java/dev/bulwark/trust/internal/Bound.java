package dev.bulwark.trust.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bulwark.trust.Check;

/**
 * A configured number and the range a sane deployment keeps it in. Outside it the claim the number backs does not
 * hold, however present the setting is: a sign-in budget of a million a minute limits nothing, a lockout after a
 * thousand failures locks no one out. docs/trust-center.md gives each range its reason.
 *
 * @param setting what sets it (a property name, or a parameter of a fixed algorithm)
 * @param value   the value in force, as shown
 * @param allowed the range, as shown
 * @param holds   whether the value lies in the range
 */
record Bound(String setting, Object value, String allowed, boolean holds) {

    static Bound count(String setting, long value, long min, long max) {
        return new Bound(setting, value, min + "–" + max, value >= min && value <= max);
    }

    static Bound duration(String setting, Duration value, Duration min, Duration max) {
        return new Bound(setting, value.toString(), min + "–" + max, value.compareTo(min) >= 0 && value.compareTo(max) <= 0);
    }

    /**
     * The verdict over {@code bounds} and whatever else the check requires ({@code otherwise}): the evidence lists each
     * setting with its value and range, and names those out of range.
     */
    static Check.Result verdict(Map<String, Object> evidence, boolean otherwise, List<Bound> bounds) {
        Map<String, Object> shown = new LinkedHashMap<>(evidence);
        for (Bound b : bounds) {
            shown.put(b.setting(), Controls.map("value", b.value(), "allowed", b.allowed()));
        }
        List<String> outside = bounds.stream().filter(b -> !b.holds()).map(Bound::setting).toList();
        shown.put("outOfBounds", outside);
        return otherwise && outside.isEmpty() ? Check.Result.pass(shown) : Check.Result.fail(shown);
    }
}
