package dev.bulwark.egress.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of numeric host literals into their bytes, written here on purpose. The JDK's
 * {@code InetAddress.getByName} reads {@code 0177.0.0.1} as 177.0.0.1 while curl and glibc's {@code inet_aton} read
 * it as 127.0.0.1; they also accept {@code 127.1}, {@code 0x7f.1} and {@code 2130706433}. Two parsers that disagree
 * about a host are how an address check is bypassed, so egress accepts only spellings every parser reads the same
 * way: the canonical dotted quad (four decimal numbers 0-255 without leading zeros) and RFC 4291 IPv6 text (with a
 * canonical dotted quad as its last 32 bits, if any), without a zone id. Guava's {@code InetAddresses} is not on the
 * class path, and it accepts zone ids.
 */
public final class Literals {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final Pattern DOTTED_QUAD = Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);
    private static final Pattern HEXTET = Pattern.compile("[0-9a-fA-F]{1,4}");

    private Literals() {
    }

    /** Whether {@code text} is a canonical dotted quad. */
    public static boolean isDottedQuad(String text) {
        return DOTTED_QUAD.matcher(text).matches();
    }

    /** The 4 bytes of a canonical dotted quad or the 16 bytes of IPv6 text (no brackets, no zone); else empty. */
    public static Optional<byte[]> parse(String text) {
        if (isDottedQuad(text)) {
            return Optional.of(v4(text));
        }
        return v6(text);
    }

    private static byte[] v4(String quad) {
        String[] parts = quad.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    /** IPv6 text (RFC 4291 §2.2): eight groups of 1-4 hex digits, one "::" for a run of zero groups, an IPv4 tail. */
    public static Optional<byte[]> v6(String text) {
        if (text.isEmpty() || text.length() > 45 || !text.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return Optional.empty();
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        int[] headGroups = groups(head, gap < 0);
        int[] tailGroups = gap >= 0 ? groups(tail, true) : new int[0];
        if (headGroups == null || tailGroups == null) {
            return Optional.empty();
        }
        int total = headGroups.length + tailGroups.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return Optional.empty();
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            bytes[2 * i] = (byte) (headGroups[i] >> 8);
            bytes[2 * i + 1] = (byte) headGroups[i];
        }
        for (int i = 0; i < tailGroups.length; i++) {
            int at = 8 - tailGroups.length + i;
            bytes[2 * at] = (byte) (tailGroups[i] >> 8);
            bytes[2 * at + 1] = (byte) tailGroups[i];
        }
        return Optional.of(bytes);
    }

    /**
     * The 16-bit groups of one side of "::" (or of the whole text), a dotted quad allowed only as the last group of
     * the last side; null when malformed.
     */
    private static int[] groups(String side, boolean last) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        int count = parts.length;
        boolean quad = last && parts[count - 1].contains(".");
        int[] out = new int[quad ? count + 1 : count];
        for (int i = 0; i < count; i++) {
            String part = parts[i];
            if (quad && i == count - 1) {
                if (!isDottedQuad(part)) {
                    return null;
                }
                byte[] four = v4(part);
                out[i] = ((four[0] & 0xff) << 8) | (four[1] & 0xff);
                out[i + 1] = ((four[2] & 0xff) << 8) | (four[3] & 0xff);
            } else {
                if (!HEXTET.matcher(part).matches()) {
                    return null;
                }
                out[i] = Integer.parseInt(part, 16);
            }
        }
        return out;
    }

    /** The canonical text of an address's bytes: a dotted quad, or eight lower-case hex groups joined by ':'. */
    public static String canonical(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        if (bytes.length == 4) {
            for (int i = 0; i < 4; i++) {
                s.append(i == 0 ? "" : ".").append(bytes[i] & 0xff);
            }
            return s.toString();
        }
        for (int i = 0; i < 8; i++) {
            s.append(i == 0 ? "" : ":").append(Integer.toHexString(((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff)));
        }
        return s.toString();
    }
}
