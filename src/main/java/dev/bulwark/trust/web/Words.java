package dev.bulwark.trust.web;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times and evidence as people read them: "3 minutes ago", "5 December 2026, 04:41 UTC", "1 hour 30 minutes", "yes",
 * "Root key protected" — never a raw ISO 8601 value. Hand-written: the JDK formats dates but not relative times or
 * durations in words, and a library for a dozen lines of English would be a dependency for nothing.
 */
public final class Words {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    /** One line of evidence: what ({@code label}) and its value in words. */
    public record Line(String label, String text) {
    }

    /** "5 December 2026, 04:41 UTC". */
    static String date(Instant at) {
        return DATE.format(at);
    }

    /** "just now", "3 minutes ago", "in 2 days": from {@code now}. */
    static String ago(Instant at, Instant now) {
        Duration d = Duration.between(at, now);
        boolean future = d.isNegative();
        d = d.abs();
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return "just now";
        }
        String amount = largest(d);
        return future ? "in " + amount : amount + " ago";
    }

    /** A duration in its largest unit, rounded down: "3 minutes", "1 hour", "12 days". */
    private static String largest(Duration d) {
        if (d.toDays() >= 2) {
            return plural(d.toDays(), "day");
        }
        if (d.toHours() >= 1) {
            return plural(d.toHours(), "hour");
        }
        if (d.toMinutes() >= 1) {
            return plural(d.toMinutes(), "minute");
        }
        return plural(Math.max(d.toSeconds(), 0), "second");
    }

    /** A duration in up to two units: "5 minutes", "1 hour 30 minutes", "180 days", "250 milliseconds". */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "no time";
        }
        if (d.isNegative()) {
            return "minus " + duration(d.negated());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return plural(d.toMillis(), "millisecond");
        }
        List<String> parts = new ArrayList<>();
        long[] amounts = {d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart()};
        String[] units = {"day", "hour", "minute", "second"};
        for (int i = 0; i < amounts.length && parts.size() < 2; i++) {
            if (amounts[i] > 0) {
                parts.add(plural(amounts[i], units[i]));
            } else if (!parts.isEmpty()) {
                break;
            }
        }
        return String.join(" ", parts);
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** "rootKeyProtected" → "Root key protected"; a configuration key ({@code bulwark.x.y}) stays as it is. */
    static String label(String key) {
        if (key.contains(".") || key.contains("-")) {
            return key;
        }
        String spaced = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2");
        String lower = spaced.toLowerCase(Locale.ROOT);
        // Acronyms read as such.
        for (String acronym : new String[] {"tls", "rls", "dpa", "ai", "url", "kms", "totp", "rfc", "csp", "hsts", "id", "api"}) {
            lower = lower.replaceAll("\\b" + acronym + "\\b", acronym.toUpperCase(Locale.ROOT));
        }
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    /** A value in words: yes/no, a date with how long ago, a duration, a list, or the text itself. */
    static String value(Object value, Instant now) {
        if (value == null) {
            return "none";
        }
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "none" : String.join(", ", list.stream().map(v -> v instanceof Map<?, ?> m ? inline(m, now) : value(v, now)).toList());
        }
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? "none" : inline(map, now);
        }
        if (value instanceof String text) {
            return text(text, now);
        }
        return String.valueOf(value);
    }

    private static String inline(Map<?, ?> map, Instant now) {
        List<String> parts = new ArrayList<>();
        map.forEach((k, v) -> parts.add(label(String.valueOf(k)) + ": " + value(v, now)));
        return String.join("; ", parts);
    }

    /** An ISO 8601 instant or duration found in a text value, said in words; any other text unchanged. */
    static String text(String text, Instant now) {
        if (text.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
            try {
                Instant at = OffsetDateTime.parse(text).toInstant();
                return date(at) + " (" + ago(at, now) + ")";
            } catch (DateTimeParseException e) {
                return text;
            }
        }
        if (text.matches("-?P(\\d+D)?(T[\\d.HMS]+)?") && text.length() > 1) {
            try {
                return duration(Duration.parse(text));
            } catch (DateTimeParseException e) {
                return text;
            }
        }
        // "primary since 2026-01-01T00:00:00Z": an instant inside a sentence.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            try {
                replacement = date(OffsetDateTime.parse(m.group()).toInstant());
            } catch (DateTimeParseException e) {
                replacement = m.group();
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        // "PT1M–PT168H": durations inside a sentence or a range.
        m = java.util.regex.Pattern.compile("(?<![A-Za-z0-9])-?P(?=[T\\d])[0-9DTHMS.]+(?![A-Za-z0-9])").matcher(out.toString());
        StringBuilder said = new StringBuilder();
        while (m.find()) {
            String replacement;
            try {
                replacement = duration(Duration.parse(m.group()));
            } catch (DateTimeParseException e) {
                replacement = m.group();
            }
            m.appendReplacement(said, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(said);
        return said.toString();
    }

    /** Evidence as lines, nested maps flattened under their parent's label ("Passkeys › Origins"). */
    static List<Line> lines(Map<String, Object> evidence, Instant now) {
        List<Line> lines = new ArrayList<>();
        flatten("", evidence, now, lines);
        return lines;
    }

    private static void flatten(String prefix, Map<?, ?> map, Instant now, List<Line> into) {
        map.forEach((k, v) -> {
            String label = prefix + label(String.valueOf(k));
            if (v instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(label + " › ", nested, now, into);
            } else {
                into.add(new Line(label, value(v, now)));
            }
        });
    }

    private Words() {
    }
}
