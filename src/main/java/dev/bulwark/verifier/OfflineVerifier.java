package dev.bulwark.verifier;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies an audit export (one event a line, oldest first, as {@code GET …/audit/export} writes it) against signed
 * checkpoints, offline, from docs/audit-chain.md alone: every seq in order, every data digest (unless redacted),
 * payload hash, previous hash and hash, and the RFC 6962 root at each checkpoint's size, whose C2SP note must carry
 * a valid Ed25519 signature by the given verifier key. Prints what it found; exit status 0 when everything holds, 1
 * with the first bad seq otherwise, 2 when it was used wrongly.
 *
 * <p>The file is read in blocks of whole lines, each cut into one range per core; each range is tokenized and hashed
 * on its own thread ({@link FastLine}, falling back to Jackson's parser for any line not of the export's plain shape),
 * Merkle leaves included, while the calling thread walks the blocks before it in order: seqs, links, the tree's inner
 * nodes and the checkpoints are all that need the order.
 */
public final class OfflineVerifier {

    /** What a run found. {@code firstInvalidSeq} is null when the export is valid. */
    public record Result(boolean valid, long checked, long redacted, Long firstInvalidSeq, String problem,
                         long checkpointSize, long purgedThrough, boolean rootsChecked) {
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] ED25519_SPKI = HEX.parseHex("302a300506032b6570032100");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private OfflineVerifier() {
    }

    /** The command line: {@code --events FILE [--checkpoint FILE]... [--key FILE] [--tenant UUID]}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path events = null;
        Path key = null;
        UUID tenant = null;
        byte[] frontier = null;
        List<Path> checkpoints = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--events" -> events = Path.of(required(args[i], value));
                    case "--checkpoint" -> checkpoints.add(Path.of(required(args[i], value)));
                    case "--key" -> key = Path.of(required(args[i], value));
                    case "--tenant" -> tenant = UUID.fromString(required(args[i], value));
                    case "--frontier" -> frontier = HEX.parseHex(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (events == null) {
                throw new IllegalArgumentException("--events is required");
            }
            if (!checkpoints.isEmpty() && key == null) {
                throw new IllegalArgumentException("--key is required to check --checkpoint signatures");
            }
            List<String> notes = new ArrayList<>();
            for (Path p : checkpoints) {
                notes.add(Files.readString(p, StandardCharsets.UTF_8));
            }
            String verifierKey = key == null ? null : Files.readString(key, StandardCharsets.UTF_8).strip();
            Result r = verify(events, notes, verifierKey, tenant, frontier);
            if (r.valid()) {
                out.printf("valid: %d events (%d redacted, intact)%s%s%n", r.checked(), r.redacted(),
                        r.purgedThrough() > 0 ? "; purged through seq " + r.purgedThrough() : "",
                        !r.rootsChecked() ? "; checkpoints NOT checked: the log was purged, pass --frontier from GET …/audit/purge"
                                : r.checkpointSize() > 0 ? "; matches the signed checkpoint of size " + r.checkpointSize() : "");
                return 0;
            }
            out.printf("INVALID at seq %d: %s (%d events verified before it)%n", r.firstInvalidSeq(), r.problem(), r.checked());
            return 1;
        } catch (IllegalArgumentException | IOException e) {
            err.println("audit-verify: " + e.getMessage());
            err.println("usage: audit-verify --events export.ndjson [--checkpoint note]... [--key audit-key.txt] [--tenant uuid]"
                    + " [--frontier hex]");
            return 2;
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /**
     * Verifies {@code events} against {@code notes} (signed checkpoints, checked with {@code verifierKey}). The tenant
     * comes from {@code tenant} or else from the checkpoints' origin ({@code …/<tenant>}).
     */
    public static Result verify(Path events, List<String> notes, String verifierKey, UUID tenant) throws IOException {
        return verify(events, notes, verifierKey, tenant, null);
    }

    /**
     * The same for an export whose first events were purged by retention: it starts after seq {@code n}, chained to
     * its first line's previous hash; {@code frontier} (the Merkle frontier at size {@code n}, from the purge anchor)
     * lets the checkpoints be checked, and is itself checked against the checkpoint of size {@code n} when given.
     */
    public static Result verify(Path events, List<String> notes, String verifierKey, UUID tenant, byte[] frontier)
            throws IOException {
        TreeMap<Long, byte[]> roots = new TreeMap<>();
        for (String note : notes) {
            Checkpoint cp = Checkpoint.verify(note, verifierKey);
            UUID named = cp.tenant();
            if (tenant == null) {
                tenant = named;
            } else if (!tenant.equals(named)) {
                throw new IllegalArgumentException("a checkpoint names tenant " + named + ", not " + tenant);
            }
            byte[] earlier = roots.put(cp.size(), cp.root());
            if (earlier != null && !Arrays.equals(earlier, cp.root())) {
                throw new IllegalArgumentException("two signed checkpoints of size " + cp.size() + " disagree: the log forked");
            }
        }
        if (tenant == null) {
            throw new IllegalArgumentException("--tenant is required without a checkpoint");
        }
        Walk walk = new Walk(tenant, roots);
        long first = firstSeq(events);
        if (first > 1) {
            walk.startAfter(first - 1, firstPrevHash(events), frontier);
        } else if (frontier != null) {
            throw new IllegalArgumentException("--frontier is for an export whose first events were purged");
        }
        // The file is read in blocks of whole lines; each block is cut into one range per core, and each range is
        // tokenized and hashed by its own thread while this one walks the blocks before it in order.
        read(events, walk);
        return walk.finish();
    }


    private static final int BLOCK = 4 << 20;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** The verifier's own threads (daemons: a verification that stops early leaves nothing that keeps a JVM up). */
    private static final java.util.concurrent.ExecutorService WORKERS = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(2, CORES), r -> {
                Thread t = new Thread(r, "audit-verify");
                t.setDaemon(true);
                return t;
            });

    /** A block of whole lines (in {@code buf}) and the work on its ranges, in order. */
    private record Block(byte[] buf, List<java.util.concurrent.Future<Chunk>> ranges) {
    }

    private static void read(Path events, Walk walk) throws IOException {
        java.util.ArrayDeque<Block> pending = new java.util.ArrayDeque<>();
        // The blocks' buffers are used again once walked: no new array to clear for every block read.
        java.util.ArrayDeque<byte[]> free = new java.util.ArrayDeque<>();
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(events)) {
            byte[] carry = new byte[0];
            boolean eof = false;
            while (!eof && walk.firstInvalid == null) {
                int size = Math.max(BLOCK, carry.length * 2);
                byte[] buf = free.poll();
                if (buf == null || buf.length < size) {
                    buf = new byte[size];
                }
                System.arraycopy(carry, 0, buf, 0, carry.length);
                int n = carry.length;
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
                bb.position(n);
                while (bb.hasRemaining()) {
                    if (in.read(bb) < 0) {
                        eof = true;
                        break;
                    }
                }
                n = bb.position();
                int cut = n;
                if (!eof) {
                    while (cut > 0 && buf[cut - 1] != '\n') {
                        cut--;
                    }
                    if (cut == 0) { // one line longer than the block: read on with a larger one
                        carry = Arrays.copyOf(buf, n);
                        continue;
                    }
                }
                carry = Arrays.copyOfRange(buf, cut, n);
                pending.add(submit(buf, cut, walk.tenant));
                while (pending.size() > 2) {
                    Block walked = pending.poll();
                    walk.take(walked);
                    if (walk.firstInvalid == null) { // every range of it is done: its buffer is free
                        free.add(walked.buf());
                    }
                }
            }
            while (!pending.isEmpty() && walk.firstInvalid == null) {
                walk.take(pending.poll());
            }
        } finally {
            for (Block b : pending) {
                b.ranges().forEach(f -> f.cancel(false));
            }
        }
    }

    /** Cuts {@code buf[0, end)} into one range of whole lines per core, each checked on a worker. */
    private static Block submit(byte[] buf, int end, UUID tenant) {
        List<java.util.concurrent.Future<Chunk>> ranges = new ArrayList<>();
        int parts = end < 64 << 10 ? 1 : CORES;
        int from = 0;
        for (int k = 1; k <= parts; k++) {
            int to = k == parts ? end : Math.max(from, (int) ((long) end * k / parts));
            while (to < end && to > 0 && buf[to - 1] != '\n') {
                to++;
            }
            int a = from;
            int b = to;
            if (b > a) {
                ranges.add(WORKERS.submit(() -> Chunk.of(buf, a, b, tenant)));
            }
            from = to;
        }
        return new Block(buf, ranges);
    }

    private static long firstSeq(Path events) throws IOException {
        JsonNode first = firstLine(events);
        return first == null ? 1 : Math.max(1, first.path("seq").asLong(1));
    }

    private static byte[] firstPrevHash(Path events) throws IOException {
        JsonNode first = firstLine(events);
        return HEX.parseHex(first.path("prevHash").asString(""));
    }

    private static JsonNode firstLine(Path events) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    try {
                        return JSON.readTree(line);
                    } catch (RuntimeException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    }

    /** The ordered part of the verification: seqs, links, the Merkle tree, the checkpoints. */
    private static final class Walk {
        private final UUID tenant;
        private final TreeMap<Long, byte[]> roots;
        private Merkle tree = new Merkle();
        private long seq;
        private long purgedThrough;
        private byte[] last = new byte[32];
        private long redacted;
        private long matched;
        private Long firstInvalid;
        private String problem;
        /** The size of the next signed checkpoint the walk reaches, or -1. */
        private long nextRoot;

        Walk(UUID tenant, TreeMap<Long, byte[]> roots) {
            this.tenant = tenant;
            this.roots = roots;
            nextRoot = nextRoot(0);
        }

        private long nextRoot(long after) {
            Long size = roots.higherKey(after);
            return size == null ? -1 : size;
        }

        /** Starts after purged events 1..{@code n}: chained to {@code anchor}, the tree restored from {@code frontier}. */
        void startAfter(long n, byte[] anchor, byte[] frontier) {
            seq = n;
            matched = n;
            purgedThrough = n;
            last = anchor.clone();
            nextRoot = nextRoot(n);
            tree = frontier == null ? null : Merkle.restore(n, frontier);
            byte[] expected = roots.get(n);
            if (tree != null && expected != null && !Arrays.equals(expected, tree.root())) {
                fail(n + 1, "the frontier does not match the signed checkpoint of size " + n);
            }
        }

        void take(Block block) {
            for (java.util.concurrent.Future<Chunk> f : block.ranges()) {
                Chunk c;
                try {
                    c = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
                if (!take(c)) {
                    return;
                }
            }
        }

        /** Walks one range's events in order; false once something failed. */
        private boolean take(Chunk c) {
            for (int i = 0; i < c.n; i++) {
                long expected = seq + 1;
                if (c.unparsed[i] != null) {
                    fail(expected, c.unparsed[i]);
                    return false;
                }
                if (c.seq[i] != expected) {
                    fail(expected, c.seq[i] > expected ? "event missing" : "sequence out of order");
                    return false;
                }
                if (c.problem[i] != null) {
                    fail(expected, c.problem[i]);
                    return false;
                }
                int at = i * 32;
                if (!Arrays.equals(c.prev, at, at + 32, last, 0, 32)) {
                    fail(expected, "previous hash does not match the event before");
                    return false;
                }
                seq = expected;
                System.arraycopy(c.hash, at, last, 0, 32);
                redacted += c.redacted[i] ? 1 : 0;
                if (tree == null) {
                    continue;
                }
                tree.appendLeaf(c.leaf, at);
                if (seq == nextRoot) {
                    byte[] expectedRoot = roots.get(seq);
                    nextRoot = nextRoot(seq);
                    if (!Arrays.equals(expectedRoot, tree.root())) {
                        fail(matched + 1, "events " + (matched + 1) + ".." + seq + " do not match the signed checkpoint of size " + seq);
                        return false;
                    }
                    matched = seq;
                }
            }
            return true;
        }

        void fail(long at, String why) {
            if (firstInvalid == null) {
                firstInvalid = at;
                problem = why;
            }
        }

        Result finish() {
            Map.Entry<Long, byte[]> beyond = roots.higherEntry(seq);
            if (beyond != null && tree != null) {
                fail(seq + 1, "events " + (seq + 1) + ".." + beyond.getKey() + " are missing, but a signed checkpoint covers them");
            }
            return new Result(firstInvalid == null, seq - purgedThrough, redacted, firstInvalid, problem, matched,
                    purgedThrough, tree != null);
        }
    }

    /**
     * The events of one range of lines, checked apart from their neighbours (each against its own seq; the walk checks
     * the seqs follow): flat arrays of 32-byte hashes, and for each line what went wrong, if anything.
     */
    static final class Chunk {
        int n;
        long[] seq;
        byte[] prev;
        byte[] hash;
        /** The Merkle leaf of each event (SHA-256 of 0x00 and its hash), computed here, in parallel. */
        byte[] leaf;
        boolean[] redacted;
        String[] problem;
        /** Why a line is not an event at all (reported at the seq expected there). */
        String[] unparsed;

        Chunk() {
            this(1024);
        }

        /** Room for {@code lines} events before any array has to grow. */
        Chunk(int lines) {
            seq = new long[lines];
            prev = new byte[lines * 32];
            hash = new byte[lines * 32];
            leaf = new byte[lines * 32];
            redacted = new boolean[lines];
            problem = new String[lines];
            unparsed = new String[lines];
        }

        static Chunk of(byte[] buf, int from, int to, UUID tenant) {
            return of(buf, from, to, tenant, true);
        }

        /** {@code useFast} false: every line through the general path (the tests compare the two). */
        static Chunk of(byte[] buf, int from, int to, UUID tenant, boolean useFast) {
            // An export's lines are 400–900 bytes: sized for lines of 512, the arrays rarely grow.
            Chunk c = new Chunk(Math.max(16, (to - from) / 512 + 1));
            FastLine fast = new FastLine(tenant);
            int start = from;
            while (true) {
                c.grow();
                // The fast path finds the line's end as it reads it; any other line is cut at its newline first.
                int i = useFast ? fast.take(buf, start, to, c) : -1;
                boolean event = true;
                if (i < 0) {
                    i = FastLine.lineEnd(buf, start, to);
                    event = !blank(buf, start, i);
                    if (event) {
                        c.slow(Arrays.copyOfRange(buf, start, i), tenant);
                    }
                }
                if (event) {
                    if (c.problem[c.n] == null && c.unparsed[c.n] == null) {
                        fast.leaf(c.hash, c.n * 32, c.leaf, c.n * 32);
                    }
                    c.n++;
                }
                if (i >= to) {
                    return c;
                }
                start = i + 1;
            }
        }

        private static boolean blank(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                    return false;
                }
            }
            return true;
        }

        private void grow() {
            if (n < seq.length) {
                return;
            }
            int size = seq.length * 2;
            seq = Arrays.copyOf(seq, size);
            prev = Arrays.copyOf(prev, size * 32);
            hash = Arrays.copyOf(hash, size * 32);
            leaf = Arrays.copyOf(leaf, size * 32);
            redacted = Arrays.copyOf(redacted, size);
            problem = Arrays.copyOf(problem, size);
            unparsed = Arrays.copyOf(unparsed, size);
        }

        /** The general path (Jackson's parser), for every line the fast path does not take as it is. */
        private void slow(byte[] line, UUID tenant) {
            Line l;
            try {
                l = Line.parse(line);
            } catch (RuntimeException ex) {
                unparsed[n] = "not an event line: " + ex.getClass().getSimpleName();
                return;
            }
            Event e = Event.check(l, tenant, l.seq);
            seq[n] = l.seq;
            if (e.problem() != null) {
                problem[n] = e.problem();
                return;
            }
            if (e.prevHash() == null || e.prevHash().length != 32) {
                problem[n] = "previous hash does not match the event before";
                return;
            }
            System.arraycopy(e.prevHash(), 0, prev, n * 32, 32);
            System.arraycopy(e.hash(), 0, hash, n * 32, 32);
            redacted[n] = e.redacted();
        }
    }

    /** One parsed and checked line. */
    private record Event(long seq, byte[] prevHash, byte[] hash, boolean redacted, String problem) {

        static Event check(Line e, UUID tenant, long expectedSeq) {
            try {
                long seq = e.seq;
                if (seq != expectedSeq) {
                    return bad(expectedSeq, seq > expectedSeq ? "event missing" : "sequence out of order");
                }
                if (e.hashVersion != 1) {
                    return bad(seq, "unknown hash version");
                }
                byte[] salt = hex(e.dataSalt);
                byte[] digest = hex(e.dataDigest);
                boolean redacted = e.redactedAt != null;
                if (redacted) {
                    if (e.before != null || e.after != null || salt != null || digest == null) {
                        return bad(seq, "a redacted event still holds data, or lost its digest");
                    }
                } else if (digest == null ? e.before != null || e.after != null || salt != null
                        : salt == null || !Arrays.equals(digest, Fields.hash("bulwark.audit.data", salt, utf8(e.before), utf8(e.after)))) {
                    return bad(seq, "before/after do not match their digest");
                }
                byte[] payload = Fields.hash("bulwark.audit.payload", utf8(e.actorType), utf8(e.actorId), utf8(e.entityType),
                        utf8(e.entityId), utf8(e.reason), utf8(e.ip), utf8(e.userAgent), utf8(e.requestId), digest);
                if (!Arrays.equals(payload, hex(e.payloadHash))) {
                    return bad(seq, "payload does not match its hash");
                }
                byte[] prev = hex(e.prevHash);
                byte[] hash = Fields.hash("bulwark.audit.event", utf8("1"), utf8(tenant.toString()), utf8(Long.toString(seq)),
                        utf8(e.id), utf8(e.occurredAt), utf8(e.type), payload, prev);
                if (!Arrays.equals(hash, hex(e.hash))) {
                    return bad(seq, "hash does not match the event");
                }
                return new Event(seq, prev, hash, redacted, null);
            } catch (RuntimeException ex) {
                return bad(expectedSeq, "not an event line: " + ex.getClass().getSimpleName());
            }
        }

        static Event bad(long seq, String why) {
            return new Event(seq, null, null, false, why);
        }

        private static byte[] hex(String v) {
            return v == null ? null : HEX.parseHex(v);
        }

        private static byte[] utf8(String s) {
            return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** One export line's fields, read with a streaming parser (no tree but for before/after). */
    private static final class Line {
        long seq = -1;
        int hashVersion = -1;
        String id;
        String occurredAt;
        String type;
        String actorType;
        String actorId;
        String entityType;
        String entityId;
        String reason;
        String ip;
        String userAgent;
        String requestId;
        String before;
        String after;
        String redactedAt;
        String dataSalt;
        String dataDigest;
        String payloadHash;
        String prevHash;
        String hash;

        static Line parse(byte[] text) {
            Line l = new Line();
            try (JsonParser p = JSON.createParser(text)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("not an object");
                }
                for (String name = p.nextName(); name != null; name = p.nextName()) {
                    JsonToken token = p.nextToken();
                    switch (name) {
                        case "seq" -> l.seq = p.getLongValue();
                        case "hashVersion" -> l.hashVersion = p.getIntValue();
                        case "id" -> l.id = string(p, token);
                        case "occurredAt" -> l.occurredAt = string(p, token);
                        case "type" -> l.type = string(p, token);
                        case "reason" -> l.reason = string(p, token);
                        case "ip" -> l.ip = string(p, token);
                        case "userAgent" -> l.userAgent = string(p, token);
                        case "requestId" -> l.requestId = string(p, token);
                        case "redactedAt" -> l.redactedAt = string(p, token);
                        case "dataSalt" -> l.dataSalt = string(p, token);
                        case "dataDigest" -> l.dataDigest = string(p, token);
                        case "payloadHash" -> l.payloadHash = string(p, token);
                        case "prevHash" -> l.prevHash = string(p, token);
                        case "hash" -> l.hash = string(p, token);
                        case "before" -> l.before = token == JsonToken.VALUE_NULL ? null : canonical(p.readValueAsTree());
                        case "after" -> l.after = token == JsonToken.VALUE_NULL ? null : canonical(p.readValueAsTree());
                        case "actor", "entity" -> {
                            String[] party = party(p, token);
                            if (name.equals("actor")) {
                                l.actorType = party[0];
                                l.actorId = party[1];
                            } else {
                                l.entityType = party[0];
                                l.entityId = party[1];
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            return l;
        }

        private static String string(JsonParser p, JsonToken token) {
            return token == JsonToken.VALUE_NULL ? null : p.getString();
        }

        private static String[] party(JsonParser p, JsonToken token) {
            String[] party = new String[2];
            if (token == JsonToken.VALUE_NULL) {
                return party;
            }
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> party[0] = string(p, value);
                    case "id" -> party[1] = string(p, value);
                    default -> p.skipChildren();
                }
            }
            return party;
        }
    }

    /** Hash version 1's field encoding: a domain string, then each field as u32 big-endian length + bytes (null: FFFFFFFF). */
    static final class Fields {
        private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(Merkle::sha256);
        private static final byte[] NULL = {-1, -1, -1, -1};

        static byte[] hash(String domain, byte[]... fields) {
            MessageDigest sha = SHA.get();
            sha.reset();
            field(sha, domain.getBytes(StandardCharsets.UTF_8));
            for (byte[] f : fields) {
                field(sha, f);
            }
            return sha.digest();
        }

        private static void field(MessageDigest sha, byte[] value) {
            if (value == null) {
                sha.update(NULL);
                return;
            }
            int n = value.length;
            sha.update((byte) (n >>> 24));
            sha.update((byte) (n >>> 16));
            sha.update((byte) (n >>> 8));
            sha.update((byte) n);
            sha.update(value);
        }
    }

    /** RFC 8785 restricted to objects, arrays, strings, integers, booleans and null (docs/audit-chain.md). */
    static String canonical(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(names.get(i), out);
                out.append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.asString(), out);
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNull()) {
            out.append("null");
        } else {
            throw new IllegalArgumentException("not a value the audit log records");
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
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * The RFC 6962 tree, as a stack of perfect-subtree roots (32 bytes each, oldest first, in one array: at most 64 of
     * them, one per bit of the size). An inner node's input is built in one buffer and hashed in one call.
     */
    static final class Merkle {
        private final byte[] stack = new byte[64 * 32];
        private int depth;
        private long size;
        private final byte[] node = new byte[65];
        private final MessageDigest sha = sha256();

        /** The tree of {@code size} leaves from its frontier (perfect-subtree roots, largest first). */
        static Merkle restore(long size, byte[] frontier) {
            if (frontier.length != Long.bitCount(size) * 32) {
                throw new IllegalArgumentException("the frontier does not fit a tree of " + size);
            }
            Merkle m = new Merkle();
            m.size = size;
            System.arraycopy(frontier, 0, m.stack, 0, frontier.length);
            m.depth = frontier.length / 32;
            return m;
        }

        /** Appends a leaf whose hash (SHA-256 of 0x00 and the event hash) was computed already, at {@code leaf[off..]}. */
        void appendLeaf(byte[] leaf, int off) {
            node[0] = 1;
            System.arraycopy(leaf, off, node, 33, 32);
            boolean merged = false;
            for (long s = size; (s & 1) == 1; s >>= 1) {
                depth--;
                if (merged) {
                    System.arraycopy(node, 1, node, 33, 32); // the last node's hash, written at node[1..] below
                }
                System.arraycopy(stack, depth * 32, node, 1, 32);
                sha.update(node, 0, 65);
                digest(node, 1);
                merged = true;
            }
            System.arraycopy(node, merged ? 1 : 33, stack, depth * 32, 32);
            depth++;
            size++;
        }

        byte[] root() {
            if (depth == 0) {
                return sha.digest();
            }
            byte[] h = Arrays.copyOfRange(stack, (depth - 1) * 32, depth * 32);
            for (int i = depth - 2; i >= 0; i--) {
                sha.update((byte) 1);
                sha.update(stack, i * 32, 32);
                sha.update(h);
                h = sha.digest();
            }
            return h;
        }

        private void digest(byte[] out, int off) {
            try {
                sha.digest(out, off, 32);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
        }

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A C2SP signed note holding a tlog checkpoint, verified against an Ed25519 verifier key. */
    record Checkpoint(String origin, long size, byte[] root) {

        UUID tenant() {
            return UUID.fromString(origin.substring(origin.lastIndexOf('/') + 1));
        }

        static Checkpoint verify(String note, String verifierKey) {
            String[] key = verifierKey.split("\\+", 3);
            if (key.length != 3) {
                throw new IllegalArgumentException("the key is not a C2SP verifier key (name+id+key)");
            }
            byte[] typed = Base64.getDecoder().decode(key[2]);
            if (typed.length != 33 || typed[0] != 1) {
                throw new IllegalArgumentException("the key is not an Ed25519 verifier key");
            }
            byte[] raw = Arrays.copyOfRange(typed, 1, 33);
            MessageDigest sha = Merkle.sha256();
            sha.update((key[0] + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 1);
            sha.update(raw);
            byte[] id = Arrays.copyOf(sha.digest(), 4);
            if (!HEX.formatHex(id).equals(key[1])) {
                throw new IllegalArgumentException("the key's id does not match its name and key");
            }
            int blank = note.indexOf("\n\n");
            if (blank < 0) {
                throw new IllegalArgumentException("a checkpoint is not a signed note");
            }
            String text = note.substring(0, blank + 1);
            boolean signed = false;
            for (String line : note.substring(blank + 2).split("\n")) {
                String prefix = "\u2014 " + key[0] + " ";
                if (!line.startsWith(prefix)) {
                    continue;
                }
                byte[] stamped = Base64.getDecoder().decode(line.substring(prefix.length()));
                if (stamped.length == 68 && Arrays.equals(Arrays.copyOf(stamped, 4), id)) {
                    try {
                        Signature ed = Signature.getInstance("Ed25519");
                        byte[] der = new byte[44];
                        System.arraycopy(ED25519_SPKI, 0, der, 0, 12);
                        System.arraycopy(raw, 0, der, 12, 32);
                        ed.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
                        ed.update(text.getBytes(StandardCharsets.UTF_8));
                        signed |= ed.verify(Arrays.copyOfRange(stamped, 4, 68));
                    } catch (GeneralSecurityException e) {
                        // not a valid signature
                    }
                }
            }
            if (!signed) {
                throw new IllegalArgumentException("a checkpoint is not signed by " + key[0]);
            }
            String[] lines = text.split("\n");
            if (lines.length < 3) {
                throw new IllegalArgumentException("a checkpoint has an origin, a size and a root");
            }
            byte[] root = Base64.getDecoder().decode(lines[2]);
            if (root.length != 32) {
                throw new IllegalArgumentException("a checkpoint's root is not 32 bytes");
            }
            return new Checkpoint(lines[0], Long.parseLong(lines[1]), root);
        }
    }
}
