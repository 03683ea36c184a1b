package dev.bulwark.verifier;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;

/**
 * The offline verifier's fast path: one export line tokenized where it lies in the file's buffer (no strings, no tree,
 * no copy), and its three hashes computed from the bytes as they stand there. It takes a line only when those bytes are
 * exactly what hash version 1 hashes (docs/audit-chain.md): every string pure ASCII with no escape and no control
 * character (then its UTF-8 is its bytes), no whitespace, integers without a fraction or exponent, and {@code before}
 * and {@code after} already in canonical JSON (members in ascending key order, no duplicate) — which is how
 * {@code GET …/audit/export} writes them. Any other line, valid or not, is left to the general path (Jackson's parser
 * and the canonical writer), which also judges every malformed one: this class only decides faster, never otherwise.
 *
 * <p>Hand-written because no JSON library hands out the raw byte range of a value (to hash canonical JSON without
 * rebuilding it) or scans strings a word at a time; the general path remains the reference.
 */
final class FastLine {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] HEX = new byte[256];

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['a' + i] = (byte) (10 + i);
            HEX['A' + i] = (byte) (10 + i);
        }
    }

    // String fields, by index into start/end; start -1 is null (absent or JSON null).
    private static final int ID = 0, OCCURRED_AT = 1, TYPE = 2, ACTOR_TYPE = 3, ACTOR_ID = 4, ENTITY_TYPE = 5, ENTITY_ID = 6,
            REASON = 7, IP = 8, USER_AGENT = 9, REQUEST_ID = 10, BEFORE = 11, AFTER = 12, REDACTED_AT = 13, DATA_SALT = 14,
            DATA_DIGEST = 15, PAYLOAD_HASH = 16, PREV_HASH = 17, HASH = 18, FIELDS = 19;
    private static final int SEQ = -2, HASH_VERSION = -3, ACTOR = -4, ENTITY = -5, OTHER = -1;
    private static final byte[][] NAMES = new byte[FIELDS][];
    private static final byte[] SEQ_NAME = ascii("seq"), HASH_VERSION_NAME = ascii("hashVersion"), ACTOR_NAME = ascii("actor"),
            ENTITY_NAME = ascii("entity"), TYPE_NAME = ascii("type"), ID_NAME = ascii("id");

    static {
        String[] names = {"id", "occurredAt", "type", null, null, null, null, "reason", "ip", "userAgent", "requestId", "before",
                "after", "redactedAt", "dataSalt", "dataDigest", "payloadHash", "prevHash", "hash"};
        for (int i = 0; i < names.length; i++) {
            NAMES[i] = names[i] == null ? null : ascii(names[i]);
        }
    }

    /** {@code "name":} of every key the fast path names, by key - {@link #KEY_BASE}, as bytes and as words. */
    private static final int KEY_BASE = ENTITY;
    private static final byte[][] TOKENS = new byte[FIELDS - KEY_BASE][];
    private static final long[][] TOKEN_WORDS = new long[FIELDS - KEY_BASE][];
    private static final byte[] TYPE_TOKEN = token(TYPE_NAME), ID_TOKEN = token(ID_NAME);
    private static final long[] TYPE_WORDS = words(TYPE_TOKEN), ID_WORDS = words(ID_TOKEN);

    static {
        for (int key = KEY_BASE; key < FIELDS; key++) {
            byte[] name = key == OTHER ? null : name(key);
            if (name != null) {
                TOKENS[key - KEY_BASE] = token(name);
                TOKEN_WORDS[key - KEY_BASE] = words(TOKENS[key - KEY_BASE]);
            }
        }
    }

    private static final byte[] DATA = ascii("bulwark.audit.data"), PAYLOAD = ascii("bulwark.audit.payload"),
            EVENT = ascii("bulwark.audit.event"), VERSION = ascii("1");

    /** The keys of the last line's members, in order (OTHER where none was seen yet). */
    private final int[] order = new int[32];
    private final int[] start = new int[FIELDS];
    private final int[] end = new int[FIELDS];
    /** The encoding of the event hash's domain, version and tenant. */
    private final byte[] eventPrefix;
    private final MessageDigest sha = OfflineVerifier.Merkle.sha256();
    private final byte[] digest = new byte[32];
    private final byte[] stored = new byte[32];
    private final byte[] payload = new byte[32];
    private final byte[] prev = new byte[32];
    private final byte[] expectedHash = new byte[32];
    private final byte[] salt16 = new byte[16];
    private final byte[] computed = new byte[32];
    /** Bit f set: field f's hex value was decoded where it was read, into its array (see {@link #hexString}). */
    private int decoded;
    private byte[] input = new byte[2048];
    private int length;
    private long seq;
    private int seqStart;
    private int seqEnd;
    private boolean versionSeen;
    private byte[] b;
    private int p;
    private int limit;
    /** Where the key {@link #memberKey} read last ends. */
    private int keyEnd;

    FastLine(UUID tenant) {
        byte[] text = ascii(tenant.toString());
        begin(EVENT);
        field(VERSION, 0, 1);
        field(text, 0, text.length);
        eventPrefix = Arrays.copyOf(input, length);
        Arrays.fill(order, OTHER);
    }

    /**
     * The index of the first newline in {@code b[i, to)}, or {@code to}: eight bytes at a time (a byte equal to
     * {@code '\n'} becomes zero after the XOR; the lowest zero byte is found exactly, a borrow only flags bytes above it).
     */
    static int lineEnd(byte[] b, int i, int to) {
        while (i + 8 <= to) {
            long v = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long m = (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
            i += 8;
        }
        while (i < to && b[i] != '\n') {
            i++;
        }
        return i;
    }

    /**
     * Checks the line {@code buf[from, to)} into {@code c} at {@code c.n} (its seq, previous hash and hash, or the problem
     * found), as the general path would; false, with nothing written, when the line is not of the plain shape.
     */
    boolean check(byte[] buf, int from, int to, OfflineVerifier.Chunk c) {
        return lineEnd(buf, from, to) == to && take(buf, from, to, c) == to;
    }

    /**
     * Checks the line that starts at {@code from} (and ends at the first newline before {@code to}, or at {@code to}) as
     * {@link #check} does, without looking for its end first: the tokenizer never takes a newline (a string refuses a
     * control character, and nothing else of the plain shape is one), so when the line is taken, the newline is where
     * its object and any trailing blanks end. Returns that end, or -1 (nothing written) when the line is not of the plain
     * shape.
     */
    int take(byte[] buf, int from, int to, OfflineVerifier.Chunk c) {
        Arrays.fill(start, -1);
        decoded = 0;
        seqStart = -1;
        versionSeen = false;
        b = buf;
        p = from;
        limit = to;
        if (!object()) {
            return -1;
        }
        while (p < limit && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
            p++;
        }
        int ends = p;
        if ((p != limit && b[p] != '\n') || seqStart < 0 || !versionSeen || start[PAYLOAD_HASH] < 0 || start[PREV_HASH] < 0 || start[HASH] < 0
                || !hex(PAYLOAD_HASH, stored) || !hex(PREV_HASH, prev) || !hex(HASH, expectedHash)) {
            return -1;
        }
        byte[] salt = null;
        if (start[DATA_SALT] >= 0) {
            int n = end[DATA_SALT] - start[DATA_SALT];
            if ((n & 1) != 0) {
                return -1;
            }
            salt = n / 2 == salt16.length ? salt16 : new byte[n / 2];
            if (!hex(DATA_SALT, salt)) {
                return -1;
            }
        }
        boolean hasDigest = start[DATA_DIGEST] >= 0;
        if (hasDigest && !hex(DATA_DIGEST, digest)) {
            return -1;
        }
        // Every value is read: from here on the line is judged, exactly as Event.check judges it.
        int i = c.n;
        c.seq[i] = seq;
        boolean redacted = start[REDACTED_AT] >= 0;
        boolean data = start[BEFORE] >= 0 || start[AFTER] >= 0;
        if (redacted) {
            if (data || salt != null || !hasDigest) {
                c.problem[i] = "a redacted event still holds data, or lost its digest";
                return ends;
            }
        } else if (!hasDigest ? data || salt != null : salt == null || !dataDigestMatches(salt)) {
            c.problem[i] = "before/after do not match their digest";
            return ends;
        }
        begin(PAYLOAD);
        field(ACTOR_TYPE);
        field(ACTOR_ID);
        field(ENTITY_TYPE);
        field(ENTITY_ID);
        field(REASON);
        field(IP);
        field(USER_AGENT);
        field(REQUEST_ID);
        if (hasDigest) {
            field(digest, 0, 32);
        } else {
            nul();
        }
        finish(payload, 0);
        if (!Arrays.equals(payload, stored)) {
            c.problem[i] = "payload does not match its hash";
            return ends;
        }
        // The event hash's first three fields (its domain, version 1, the tenant) are the same on every line: their
        // encoding is made once and copied.
        System.arraycopy(eventPrefix, 0, input, 0, eventPrefix.length);
        length = eventPrefix.length;
        field(b, seqStart, seqEnd - seqStart);
        field(ID);
        field(OCCURRED_AT);
        field(TYPE);
        field(payload, 0, 32);
        field(prev, 0, 32);
        finish(c.hash, i * 32);
        if (!Arrays.equals(c.hash, i * 32, i * 32 + 32, expectedHash, 0, 32)) {
            c.problem[i] = "hash does not match the event";
            return ends;
        }
        System.arraycopy(prev, 0, c.prev, i * 32, 32);
        c.redacted[i] = redacted;
        return ends;
    }

    /** The RFC 6962 leaf of an event hash: SHA-256 of 0x00 and the hash. */
    void leaf(byte[] hash, int off, byte[] out, int outOff) {
        sha.update((byte) 0);
        sha.update(hash, off, 32);
        try {
            sha.digest(out, outOff, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean dataDigestMatches(byte[] salt) {
        begin(DATA);
        field(salt, 0, salt.length);
        field(BEFORE);
        field(AFTER);
        finish(computed, 0);
        return Arrays.equals(computed, digest);
    }

    // ---- hash input: the field encoding of hash version 1, built in one buffer and hashed in one call

    private void begin(byte[] domain) {
        length = 0;
        field(domain, 0, domain.length);
    }

    private void field(int f) {
        if (start[f] < 0) {
            nul();
        } else {
            field(b, start[f], end[f] - start[f]);
        }
    }

    private void field(byte[] src, int off, int n) {
        room(4 + n);
        input[length] = (byte) (n >>> 24);
        input[length + 1] = (byte) (n >>> 16);
        input[length + 2] = (byte) (n >>> 8);
        input[length + 3] = (byte) n;
        System.arraycopy(src, off, input, length + 4, n);
        length += 4 + n;
    }

    private void nul() {
        room(4);
        Arrays.fill(input, length, length + 4, (byte) -1);
        length += 4;
    }

    private void room(int n) {
        if (length + n > input.length) {
            input = Arrays.copyOf(input, Math.max(input.length * 2, length + n));
        }
    }

    private void finish(byte[] out, int off) {
        sha.update(input, 0, length);
        try {
            sha.digest(out, off, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean hex(int f, byte[] out) {
        int s = start[f];
        if (end[f] - s != out.length * 2) {
            return false;
        }
        if ((decoded & 1 << f) != 0) {
            return true;
        }
        int i = 0;
        for (; i + 4 <= out.length; i += 4) {
            if (!hex8(s + 2 * i, out, i)) {
                return false;
            }
        }
        for (; i < out.length; i++) {
            int hi = HEX[b[s + 2 * i] & 0xff];
            int lo = HEX[b[s + 2 * i + 1] & 0xff];
            if ((hi | lo) < 0) {
                return false;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return true;
    }

    private static final long H = 0x8080808080808080L;

    /**
     * Eight hex digits at {@code b[at]} into four bytes at {@code out[o]}; false when one is not a hex digit. Each byte is
     * tested apart, without borrows between bytes: with its top bit set first, subtracting a bound leaves the top bit
     * set exactly when the byte is at least that bound. A digit's value is its low four bits, plus 9 for a letter.
     */
    private boolean hex8(int at, byte[] out, int o) {
        long x = (long) LONGS.get(b, at);
        long lower = x | 0x2020202020202020L; // 'A'-'F' as 'a'-'f'
        long digit = ((x | H) - 0x3030303030303030L) & ((0x3939393939393939L | H) - x);
        long letter = ((lower | H) - 0x6161616161616161L) & ((0x6666666666666666L | H) - lower);
        if ((x & H) != 0 || ((digit | letter) & H) != H) {
            return false;
        }
        long nibbles = (x & 0x0F0F0F0F0F0F0F0FL) + ((x >>> 6) & 0x0101010101010101L) * 9;
        // Little-endian: the first digit of each pair is the lower byte of its 16-bit lane.
        long pairs = ((nibbles & 0x000F000F000F000FL) << 4) | ((nibbles >>> 8) & 0x000F000F000F000FL);
        out[o] = (byte) pairs;
        out[o + 1] = (byte) (pairs >>> 16);
        out[o + 2] = (byte) (pairs >>> 32);
        out[o + 3] = (byte) (pairs >>> 48);
        return true;
    }

    // ---- the tokenizer

    /** The line's object; the values it needs are located, the others skipped. */
    private boolean object() {
        if (!next('{')) {
            return false;
        }
        if (next('}')) {
            return true;
        }
        int member = 0;
        do {
            int key = member < order.length ? order[member] : OTHER;
            // The key the last line had here, with its quotes and colon, compared a word at a time: equal bytes are
            // exactly that string followed by ':' (a name holds no quote or backslash), as the general steps below read it.
            if (key != OTHER && token(TOKENS[key - KEY_BASE], TOKEN_WORDS[key - KEY_BASE])) {
                member++;
            } else {
                int ks = memberKey();
                if (ks < 0) {
                    return false;
                }
                key = key(ks, keyEnd, member++);
            }
            boolean ok = switch (key) {
                case SEQ -> seq();
                case HASH_VERSION -> version();
                case ACTOR -> party(ACTOR_TYPE, ACTOR_ID);
                case ENTITY -> party(ENTITY_TYPE, ENTITY_ID);
                case BEFORE, AFTER -> data(key);
                case OTHER -> canonical(0);
                default -> string(key);
            };
            if (!ok) {
                return false;
            }
        } while (next(','));
        return next('}');
    }

    /**
     * Reads a member's key as a string, then its colon: the key's start (its end, the closing quote, in {@link #keyEnd}),
     * or -1 when they are not there or nothing follows.
     */
    private int memberKey() {
        if (!next('"')) {
            return -1;
        }
        int ks = p;
        int ke = stringEnd(ks);
        if (ke < 0) {
            return -1;
        }
        p = ke + 1;
        if (!next(':') || p >= limit) {
            return -1;
        }
        keyEnd = ke;
        return ks;
    }

    /**
     * Compares {@code b[p, p + t.length)} with {@code t} (whose little-endian words are {@code w}, the last one padded
     * with zeros) and moves past it when equal; false, not moving, when they differ or when its words would reach past
     * the limit (the caller then reads the key byte by byte).
     */
    private boolean token(byte[] t, long[] w) {
        int n = t.length;
        if (p + ((n + 7) & ~7) > limit) {
            return false;
        }
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if ((long) LONGS.get(b, p + i) != w[i >>> 3]) {
                return false;
            }
        }
        if (i < n && ((long) LONGS.get(b, p + i) & (-1L >>> ((8 - (n - i)) << 3))) != w[i >>> 3]) {
            return false;
        }
        p += n;
        return true;
    }

    /** {@code "name":} for {@code name}, as bytes and as little-endian words. */
    private static byte[] token(byte[] name) {
        byte[] t = new byte[name.length + 3];
        t[0] = '"';
        System.arraycopy(name, 0, t, 1, name.length);
        t[name.length + 1] = '"';
        t[name.length + 2] = ':';
        return t;
    }

    private static long[] words(byte[] t) {
        byte[] padded = Arrays.copyOf(t, (t.length + 7) & ~7);
        long[] w = new long[padded.length / 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (long) LONGS.get(padded, i * 8);
        }
        return w;
    }

    /**
     * The key of the line's {@code member}-th member. Lines of one export name their keys in the same order, so the key
     * the previous line had at this place is tried first; the names are distinct, so which is tried first never changes
     * the answer, only how many comparisons it takes.
     */
    private int key(int ks, int ke, int member) {
        if (member < order.length) {
            byte[] guess = name(order[member]);
            if (guess != null && is(ks, ke - ks, guess)) {
                return order[member];
            }
            int key = key(ks, ke);
            order[member] = key;
            return key;
        }
        return key(ks, ke);
    }

    private static byte[] name(int key) {
        return switch (key) {
            case SEQ -> SEQ_NAME;
            case HASH_VERSION -> HASH_VERSION_NAME;
            case ACTOR -> ACTOR_NAME;
            case ENTITY -> ENTITY_NAME;
            case OTHER -> null;
            default -> NAMES[key];
        };
    }

    private int key(int ks, int ke) {
        int n = ke - ks;
        if (is(ks, n, SEQ_NAME)) {
            return SEQ;
        }
        if (is(ks, n, HASH_VERSION_NAME)) {
            return HASH_VERSION;
        }
        if (is(ks, n, ACTOR_NAME)) {
            return ACTOR;
        }
        if (is(ks, n, ENTITY_NAME)) {
            return ENTITY;
        }
        for (int f = 0; f < FIELDS; f++) {
            if (NAMES[f] != null && is(ks, n, NAMES[f])) {
                return f;
            }
        }
        return OTHER;
    }

    private boolean is(int ks, int n, byte[] name) {
        if (n != name.length) {
            return false;
        }
        for (int i = 0; i < n; i++) { // keys are short: a loop beats the bulk comparison's set-up
            if (b[ks + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean next(char c) {
        if (p < limit && b[p] == c) {
            p++;
            return true;
        }
        return false;
    }

    /** A string or null into field {@code f}. */
    private boolean string(int f) {
        decoded &= ~(1 << f);
        if (!next('"')) {
            if (literal("null")) {
                start[f] = -1;
                return true;
            }
            return false;
        }
        if (hexString(f)) {
            return true;
        }
        int e = stringEnd(p);
        if (e < 0) {
            return false;
        }
        start[f] = p;
        end[f] = e;
        p = e + 1;
        return true;
    }

    /**
     * A hash or salt field whose value is hex digits of the expected length then a quote: decoded into its array as it
     * is read, so its digits are scanned once. Hex digits hold no quote, backslash or control character, so the string
     * ends exactly where {@link #stringEnd} would have found; any other value is read as a string and judged by
     * {@link #hex} later.
     */
    private boolean hexString(int f) {
        byte[] out = switch (f) {
            case PAYLOAD_HASH -> stored;
            case PREV_HASH -> prev;
            case HASH -> expectedHash;
            case DATA_DIGEST -> digest;
            case DATA_SALT -> salt16;
            default -> null;
        };
        if (out == null) {
            return false;
        }
        int n = out.length * 2;
        if (p + n >= limit || b[p + n] != '"') {
            return false;
        }
        for (int i = 0; i < out.length; i += 4) {
            if (!hex8(p + 2 * i, out, i)) {
                return false;
            }
        }
        start[f] = p;
        end[f] = p + n;
        decoded |= 1 << f;
        p += n + 1;
        return true;
    }

    private boolean seq() {
        int s = p;
        if (!integer()) {
            return false;
        }
        int n = p - s;
        boolean negative = b[s] == '-';
        if (n > 18 || (negative && n == 2 && b[s + 1] == '0')) {
            return false;
        }
        long v = 0;
        for (int i = negative ? s + 1 : s; i < p; i++) {
            v = v * 10 + (b[i] - '0');
        }
        seq = negative ? -v : v;
        seqStart = s;
        seqEnd = p;
        return true;
    }

    /** Only hash version 1 is taken here; anything else goes to the general path, which names it. */
    private boolean version() {
        if (p + 1 < limit && b[p] == '1' && (b[p + 1] == ',' || b[p + 1] == '}')) {
            p++;
            versionSeen = true;
            return true;
        }
        return false;
    }

    /** {@code {"type":…,"id":…}} (other members skipped) or null. */
    private boolean party(int typeField, int idField) {
        start[typeField] = -1;
        start[idField] = -1;
        if (literal("null")) {
            return true;
        }
        if (!next('{')) {
            return false;
        }
        if (next('}')) {
            return true;
        }
        do {
            boolean ok;
            // "type": and "id": compared a word at a time first, as in object().
            if (token(TYPE_TOKEN, TYPE_WORDS)) {
                ok = string(typeField);
            } else if (token(ID_TOKEN, ID_WORDS)) {
                ok = string(idField);
            } else {
                int ks = memberKey();
                if (ks < 0) {
                    return false;
                }
                int ke = keyEnd;
                if (is(ks, ke - ks, TYPE_NAME)) {
                    ok = string(typeField);
                } else if (is(ks, ke - ks, ID_NAME)) {
                    ok = string(idField);
                } else {
                    ok = canonical(0);
                }
            }
            if (!ok) {
                return false;
            }
        } while (next(','));
        return next('}');
    }

    /** {@code before} or {@code after}: null, or a value already in canonical form, whose bytes are then hashed as they are. */
    private boolean data(int f) {
        if (literal("null")) {
            start[f] = -1;
            return true;
        }
        int s = p;
        if (!canonical(0)) {
            return false;
        }
        start[f] = s;
        end[f] = p;
        return true;
    }

    /** Reads one value and says whether it is canonical JSON as the spec writes it (within the fast path's limits). */
    private boolean canonical(int depth) {
        if (p >= limit || depth > 64) {
            return false;
        }
        switch (b[p]) {
            case '{' -> {
                p++;
                if (next('}')) {
                    return true;
                }
                int previousStart = -1;
                int previousEnd = -1;
                do {
                    if (!next('"')) {
                        return false;
                    }
                    int ks = p;
                    int ke = stringEnd(ks);
                    // ASCII keys: byte order is UTF-16 code-unit order; equal keys are not canonical.
                    if (ke < 0 || (previousStart >= 0 && Arrays.compare(b, previousStart, previousEnd, b, ks, ke) >= 0)) {
                        return false;
                    }
                    previousStart = ks;
                    previousEnd = ke;
                    p = ke + 1;
                    if (!next(':') || !canonical(depth + 1)) {
                        return false;
                    }
                } while (next(','));
                return next('}');
            }
            case '[' -> {
                p++;
                if (next(']')) {
                    return true;
                }
                do {
                    if (!canonical(depth + 1)) {
                        return false;
                    }
                } while (next(','));
                return next(']');
            }
            case '"' -> {
                int e = stringEnd(p + 1);
                if (e < 0) {
                    return false;
                }
                p = e + 1;
                return true;
            }
            case 't' -> {
                return literal("true");
            }
            case 'f' -> {
                return literal("false");
            }
            case 'n' -> {
                return literal("null");
            }
            default -> {
                int s = p;
                if (!integer()) {
                    return false;
                }
                return !(p - s == 2 && b[s] == '-' && b[s + 1] == '0');
            }
        }
    }

    /** A JSON integer (no leading zero, no fraction, no exponent), followed by a delimiter. */
    private boolean integer() {
        int i = p;
        if (i < limit && b[i] == '-') {
            i++;
        }
        int digits = i;
        while (i < limit && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == digits || (b[digits] == '0' && i - digits > 1)) {
            return false;
        }
        if (i >= limit || (b[i] != ',' && b[i] != '}' && b[i] != ']')) {
            return false;
        }
        p = i;
        return true;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (p + n > limit) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[p + i] != word.charAt(i)) {
                return false;
            }
        }
        if (p + n < limit && b[p + n] != ',' && b[p + n] != '}' && b[p + n] != ']') {
            return false;
        }
        p += n;
        return true;
    }

    /**
     * From just after an opening quote: the index of the closing quote, or -1 when the string holds an escape, a control
     * character or a byte outside ASCII first (or the line ends). Eight bytes at a time: a byte is flagged when it is
     * a quote, a backslash, below 0x20 or above 0x7F; the lowest flagged byte is exact (a borrow only flags bytes above
     * a true hit).
     */
    private int stringEnd(int i) {
        while (i + 8 <= limit) {
            long v = (long) LONGS.get(b, i);
            long q = v ^ 0x2222222222222222L;
            long s = v ^ 0x5C5C5C5C5C5C5C5CL;
            long m = ((q - 0x0101010101010101L) & ~q) | ((s - 0x0101010101010101L) & ~s)
                    | ((v - 0x2020202020202020L) & ~v) | v;
            m &= 0x8080808080808080L;
            if (m != 0) {
                int j = i + (Long.numberOfTrailingZeros(m) >>> 3);
                return b[j] == '"' ? j : -1;
            }
            i += 8;
        }
        for (; i < limit; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) { // bytes above 0x7F are negative
                return -1;
            }
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
