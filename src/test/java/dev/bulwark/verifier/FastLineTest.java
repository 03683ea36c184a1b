package dev.bulwark.verifier;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline verifier's fast path decides every line exactly as the general path (Jackson's parser and the canonical
 * writer) does: on a plain chain, on lines in every shape the fast path leaves to the general one (escapes, non-ASCII,
 * whitespace, keys out of order, fractions, other hash versions), and on thousands of random one-byte corruptions.
 */
class FastLineTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final UUID TENANT = UUID.fromString("0190a5b2-1111-7abc-8def-0123456789ab");

    @Test
    void plainLinesAreTakenByTheFastPathAndAgreeWithTheGeneralOne() {
        List<String> chain = chain(5);
        for (String line : chain) {
            byte[] b = bytes(line);
            OfflineVerifier.Chunk c = new OfflineVerifier.Chunk();
            assertThat(new FastLine(TENANT).check(b, 0, b.length, c)).as(line).isTrue();
            assertThat(c.problem[0]).as(line).isNull();
        }
        assertSame(String.join("\n", chain));
    }

    @Test
    void linesOfOtherShapesAreDecidedAsTheGeneralPathDecidesThem() {
        List<String> chain = chain(3);
        String line = chain.get(1);
        List<String> variants = List.of(
                line.replace("\"reason\":\"moved\"", "\"reason\":\"mov\\u0065d\""),
                line.replace("\"reason\":\"moved\"", "\"reason\":\"d\u00e9plac\u00e9\""),
                line.replace("\"seq\":2,", "\"seq\": 2,"),
                line.replace("\"seq\":2,", "\"seq\":2.0,"),
                line.replace("\"seq\":2,", "\"seq\":02,"),
                line.replace("\"seq\":2,", "\"seq\":-0,"),
                line.replace("\"hashVersion\":1", "\"hashVersion\":2"),
                line.replace("{\"a\":1,\"b\":[true,null,\"x\"]}", "{\"b\":[true,null,\"x\"],\"a\":1}"),
                line.replace("{\"a\":1,\"b\":[true,null,\"x\"]}", "{\"a\":1,\"a\":1}"),
                line.replace("{\"a\":1,\"b\":[true,null,\"x\"]}", "{\"a\":1.5}"),
                line.replace("{\"a\":1,\"b\":[true,null,\"x\"]}", "{\"a\":-0}"),
                line.replace("{\"a\":1,\"b\":[true,null,\"x\"]}", "{\"a\":1, \"b\":[true,null,\"x\"]}"),
                line.replace("\"ip\":\"203.0.113.7\",", ""),
                line.replace("\"ip\":\"203.0.113.7\",", "\"ip\":7,"),
                line.replace("\"ip\":\"203.0.113.7\",", "\"extra\":{\"z\":[1,2]},\"ip\":\"203.0.113.7\","),
                line.replace("\"actor\":{", "\"actor\":{\"x\":1,"),
                line.replace("\"actor\":{\"type\":\"user\",\"id\":\"a1\"}", "\"actor\":null"),
                line + " trailing",
                line + "   ",
                line.substring(0, line.length() - 1),
                line.toUpperCase(),
                "[]",
                "{}",
                "not json");
        for (String v : variants) {
            assertSame(chain.get(0) + "\n" + v + "\n" + chain.get(2));
        }
    }

    @Test
    void keysInAnotherOrderThanTheLineBeforeAreReadAlike() {
        List<String> chain = chain(4);
        // The fast path tries first the key the line before had at the same place: lines that change the order, or
        // leave a key out, must be read as the general path reads them.
        String reordered = "{" + String.join(",", members(chain.get(1)).reversed()) + "}";
        List<String> without = members(chain.get(2));
        without.removeIf(m -> m.startsWith("\"reason\""));
        String shorter = "{" + String.join(",", without) + "}";
        String text = chain.get(0) + "\n" + reordered + "\n" + shorter + "\n" + chain.get(3);
        assertSame(text);
        byte[] b = bytes(text);
        OfflineVerifier.Chunk c = OfflineVerifier.Chunk.of(b, 0, b.length, TENANT, true);
        assertThat(c.n).isEqualTo(4);
        assertThat(c.problem[0]).isNull();
        assertThat(c.problem[1]).as("the same event, its keys in another order").isNull();
        assertThat(c.problem[2]).as("a key of the payload left out").isEqualTo("payload does not match its hash");
        assertThat(c.problem[3]).isNull();
    }

    @Test
    void keysThatDifferFromTheLineBeforeByOneByteOrSpellingAreReadAlike() {
        List<String> chain = chain(3);
        String line = chain.get(1);
        // The fast path compares a key with the one the line before had at its place, quotes and colon included, a word
        // at a time: a key one byte longer or different, spelt with an escape, or with blanks around it is read as the
        // general path reads it (JSON allows the blanks and the escape; the other names are unknown keys).
        for (String member : members(line)) {
            String key = member.substring(0, member.indexOf(':'));
            String name = key.substring(1, key.length() - 1);
            List<String> others = List.of("\"" + name + "x\"", "\"" + name.substring(0, name.length() - 1) + "\"",
                    "\"" + name.substring(0, name.length() - 1) + (char) (name.charAt(name.length() - 1) ^ 1) + "\"",
                    "\"\\u00" + Integer.toHexString(name.charAt(0)) + name.substring(1) + "\"", key + " ", " " + key);
            for (String other : others) {
                String changed = line.replace("," + key + ":", "," + other + ":").replace("{" + key + ":", "{" + other + ":");
                assertThat(changed).isNotEqualTo(line);
                assertSame(chain.get(0) + "\n" + changed + "\n" + chain.get(2));
            }
        }
    }

    @Test
    void hexDigitsInEitherCaseAndEveryNonDigitAreDecidedAlike() {
        String line = chain(1).getFirst();
        String hash = line.substring(line.lastIndexOf("\"hash\":\"") + 8, line.length() - 2);
        assertSame(line.replace(hash, hash.toUpperCase()));
        for (int c = 0; c < 256; c++) {
            for (int at : new int[] {0, 7, 8, 63}) {
                byte[] b = bytes(line);
                b[line.lastIndexOf(hash) + at] = (byte) c;
                assertSame(b);
            }
        }
    }

    /** The top-level members of a line of the test's chain, as written (no member holds a comma outside a value's braces). */
    private static List<String> members(String line) {
        List<String> members = new ArrayList<>();
        int depth = 0;
        int from = 1;
        for (int i = 1; i < line.length() - 1; i++) {
            char ch = line.charAt(i);
            depth += ch == '{' || ch == '[' ? 1 : ch == '}' || ch == ']' ? -1 : 0;
            if (ch == ',' && depth == 0) {
                members.add(line.substring(from, i));
                from = i + 1;
            }
        }
        members.add(line.substring(from, line.length() - 1));
        return members;
    }

    @Test
    void everyOneByteCorruptionIsDecidedAsTheGeneralPathDecidesIt() {
        String text = String.join("\n", chain(3));
        byte[] original = bytes(text);
        Random random = new Random(25);
        byte[] alphabet = bytes("\"\\{}[],:0123456789abcdefABCDEF -.tnu\u00e9\t\n\r");
        for (int i = 0; i < 20000; i++) {
            byte[] b = original.clone();
            int at = random.nextInt(b.length);
            b[at] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            assertSame(b);
        }
    }

    private static void assertSame(String text) {
        assertSame(bytes(text));
    }

    private static void assertSame(byte[] b) {
        OfflineVerifier.Chunk fast = OfflineVerifier.Chunk.of(b, 0, b.length, TENANT, true);
        OfflineVerifier.Chunk general = OfflineVerifier.Chunk.of(b, 0, b.length, TENANT, false);
        String what = new String(b, StandardCharsets.UTF_8);
        assertThat(fast.n).as(what).isEqualTo(general.n);
        for (int i = 0; i < fast.n; i++) {
            assertThat(fast.unparsed[i]).as(what).isEqualTo(general.unparsed[i]);
            if (general.unparsed[i] != null) {
                continue;
            }
            assertThat(fast.seq[i]).as(what).isEqualTo(general.seq[i]);
            assertThat(fast.problem[i]).as(what).isEqualTo(general.problem[i]);
            if (general.problem[i] == null) {
                assertThat(Arrays.copyOfRange(fast.hash, i * 32, i * 32 + 32)).as(what)
                        .isEqualTo(Arrays.copyOfRange(general.hash, i * 32, i * 32 + 32));
                assertThat(Arrays.copyOfRange(fast.prev, i * 32, i * 32 + 32)).as(what)
                        .isEqualTo(Arrays.copyOfRange(general.prev, i * 32, i * 32 + 32));
                assertThat(Arrays.copyOfRange(fast.leaf, i * 32, i * 32 + 32)).as(what)
                        .isEqualTo(Arrays.copyOfRange(general.leaf, i * 32, i * 32 + 32));
                assertThat(fast.redacted[i]).as(what).isEqualTo(general.redacted[i]);
            }
        }
    }

    /** A valid chain in the export's shape, hashed with the verifier's own encoding of the spec. */
    private static List<String> chain(int n) {
        List<String> lines = new ArrayList<>();
        byte[] prev = new byte[32];
        for (int seq = 1; seq <= n; seq++) {
            String id = new UUID(0x0190a5b2L, seq).toString();
            String at = "2026-12-05T05:00:0" + seq + ".123456Z";
            String before = "{\"a\":1,\"b\":[true,null,\"x\"]}";
            String after = "{\"a\":2,\"b\":[]}";
            byte[] salt = new byte[16];
            salt[0] = (byte) seq;
            byte[] digest = OfflineVerifier.Fields.hash("bulwark.audit.data", salt, bytes(before), bytes(after));
            byte[] payload = OfflineVerifier.Fields.hash("bulwark.audit.payload", bytes("user"), bytes("a1"), bytes("contact"),
                    bytes("c1"), bytes("moved"), bytes("203.0.113.7"), bytes("bench/1.0"), null, digest);
            byte[] hash = OfflineVerifier.Fields.hash("bulwark.audit.event", bytes("1"), bytes(TENANT.toString()),
                    bytes(Integer.toString(seq)), bytes(id), bytes(at), bytes("contact.updated"), payload, prev);
            lines.add("{\"id\":\"" + id + "\",\"seq\":" + seq + ",\"occurredAt\":\"" + at + "\",\"type\":\"contact.updated\","
                    + "\"actor\":{\"type\":\"user\",\"id\":\"a1\"},\"entity\":{\"type\":\"contact\",\"id\":\"c1\"},"
                    + "\"reason\":\"moved\",\"ip\":\"203.0.113.7\",\"userAgent\":\"bench/1.0\",\"requestId\":null,"
                    + "\"before\":" + before + ",\"after\":" + after + ",\"redactedAt\":null,\"hashVersion\":1,"
                    + "\"dataSalt\":\"" + HEX.formatHex(salt) + "\",\"dataDigest\":\"" + HEX.formatHex(digest) + "\","
                    + "\"payloadHash\":\"" + HEX.formatHex(payload) + "\",\"prevHash\":\"" + HEX.formatHex(prev) + "\","
                    + "\"hash\":\"" + HEX.formatHex(hash) + "\"}");
            prev = hash;
        }
        return lines;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
