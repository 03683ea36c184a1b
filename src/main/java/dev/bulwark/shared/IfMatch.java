package dev.bulwark.shared;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code If-Match} precondition of a write (RFC 9110 §13.1.1), over the resource's version: its entity tag is
 * the version in quotes. Absent means "write whatever the version"; {@code *} means "whatever it is, as long as it
 * exists". Comparison is strong, so a weak tag never matches.
 */
public final class IfMatch {

    private static final IfMatch ABSENT = new IfMatch(List.of(), false);

    private final List<String> tags;
    private final boolean any;

    private IfMatch(List<String> tags, boolean any) {
        this.tags = tags;
        this.any = any;
    }

    /** The entity tag of a resource at {@code version}. */
    public static String tagOf(int version) {
        return "\"" + version + "\"";
    }

    /** Reads the header value (null when absent); a malformed header is a 400. */
    public static IfMatch of(String header) {
        if (header == null) {
            return ABSENT;
        }
        String value = header.strip();
        if (value.equals("*")) {
            return new IfMatch(List.of(), true);
        }
        List<String> tags = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String tag = part.strip();
            boolean weak = tag.startsWith("W/");
            String opaque = weak ? tag.substring(2) : tag;
            if (opaque.length() < 2 || opaque.charAt(0) != '"' || opaque.charAt(opaque.length() - 1) != '"'
                    || opaque.substring(1, opaque.length() - 1).indexOf('"') >= 0) {
                throw new InvalidInputException("If-Match", "must be * or a list of quoted entity tags");
            }
            if (!weak) {
                tags.add(opaque);
            }
        }
        return new IfMatch(List.copyOf(tags), false);
    }

    /** Passes when the header was absent, was {@code *}, or names {@code currentVersion}; 412 otherwise. */
    public void requireMatches(int currentVersion) {
        if (this == ABSENT || any) {
            return;
        }
        if (!tags.contains(tagOf(currentVersion))) {
            throw new PreconditionFailedException("The resource changed since you read it (it is now at "
                    + tagOf(currentVersion) + "); read it again and reapply your change.");
        }
    }
}
