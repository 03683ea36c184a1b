package dev.bulwark.audit.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The canonical JSON of an event's before/after (docs/audit-chain.md, "Canonical JSON"): RFC 8785 (JCS) restricted to
 * the values Bulwark records — objects, arrays, strings, booleans, null and integers — so it needs none of JCS's
 * floating-point rules. Hand-written because no maintained JCS library is available to this build, and the subset is
 * small enough to specify and re-implement in a few lines: members sorted by key (UTF-16 code units), no whitespace,
 * strings escaped only where JSON requires ({@code "} {@code \} and controls, as {@code \b \t \n \f \r} or
 * a backslash-u escape of four lower-case hex digits).
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(128);
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Boolean b -> out.append(b);
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Short s -> out.append(s);
            case UUID u -> string(u.toString(), out);
            case java.time.Instant t -> string(t.toString(), out);
            case Enum<?> e -> string(e.name(), out);
            case Map<?, ?> map -> {
                List<String> keys = new ArrayList<>();
                for (Object key : map.keySet()) {
                    keys.add((String) key);
                }
                keys.sort(null); // String.compareTo orders by UTF-16 code units, as JCS requires
                out.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(keys.get(i), out);
                    out.append(':');
                    write(map.get(keys.get(i)), out);
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                int i = 0;
                for (Object item : list) {
                    if (i++ > 0) {
                        out.append(',');
                    }
                    write(item, out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not an audit value: " + value.getClass().getName());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
