package dev.bulwark.verifier;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code evidence-verify}: a bundle signed as docs/trust-center.md says verifies (exit 0) and one changed byte anywhere
 * in the file makes it fail (non-zero). Bundles here are signed by a key of the test's own; TrustPageTest verifies the
 * running application's bundle with the key it publishes.
 */
class EvidenceVerifierTest {

    private final ObjectMapper json = new ObjectMapper();

    /** A C2SP verifier key for {@code pair}, and a bundle of {@code payload} signed with it. */
    static String[] signedBundle(KeyPair pair, String payload, ObjectMapper json) throws Exception {
        byte[] spki = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("test.example/audit\n".getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 1);
        sha.update(raw);
        byte[] typed = new byte[33];
        typed[0] = 1;
        System.arraycopy(raw, 0, typed, 1, 32);
        String key = "test.example/audit+" + HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 4)) + "+"
                + Base64.getEncoder().encodeToString(typed);
        Signature ed = Signature.getInstance("Ed25519");
        ed.initSign(pair.getPrivate());
        ed.update(("bulwark.trust-evidence.v1\n" + payload).getBytes(StandardCharsets.UTF_8));
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("context", "bulwark.trust-evidence.v1");
        bundle.put("payload", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
        bundle.put("signature", Base64.getEncoder().encodeToString(ed.sign()));
        bundle.put("verifierKey", key);
        return new String[] {json.writeValueAsString(bundle), key};
    }

    private static int run(PrintStream out, String... args) {
        return EvidenceVerifier.run(args, out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aSignedBundleVerifiesAndAnyChangedByteDoesNot(@TempDir Path dir) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String payload = "{\"format\":\"bulwark-trust-evidence-v1\",\"generatedAt\":\"2026-12-05T04:41:00Z\",\"controls\":["
                + "{\"id\":\"a\",\"status\":\"pass\"},{\"id\":\"b\",\"status\":\"not_configured\"}]}";
        String[] signed = signedBundle(pair, payload, json);
        Path bundle = dir.resolve("evidence.json");
        Path key = dir.resolve("audit-key.txt");
        Files.writeString(bundle, signed[0]);
        Files.writeString(key, signed[1] + "\n");

        ByteArrayOutputStream said = new ByteArrayOutputStream();
        assertThat(run(new PrintStream(said, true, StandardCharsets.UTF_8), "--bundle", bundle.toString(), "--key", key.toString())).isZero();
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("valid", "{not_configured=1, pass=1}", "signed by the given key");
        ByteArrayOutputStream unkeyed = new ByteArrayOutputStream();
        assertThat(run(new PrintStream(unkeyed, true, StandardCharsets.UTF_8), "--bundle", bundle.toString())).isZero();
        assertThat(unkeyed.toString(StandardCharsets.UTF_8)).contains("NOT checked against the published key");

        // Every single byte of the file changed, one at a time: never valid.
        byte[] bytes = signed[0].getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 0x01;
            assertThat(EvidenceVerifier.verify(changed, signed[1]).valid()).as("byte %d changed", i).isFalse();
        }
        byte[] changed = bytes.clone();
        int inPayload = signed[0].indexOf("\"payload\":\"") + 20;
        changed[inPayload] = (byte) (changed[inPayload] == 'A' ? 'B' : 'A');
        Files.write(bundle, changed);
        assertThat(run(System.out, "--bundle", bundle.toString(), "--key", key.toString())).isEqualTo(1);
    }

    @Test
    void anotherKeyAnotherContextOrAnUnsignedPayloadFails(@TempDir Path dir) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String payload = "{\"format\":\"bulwark-trust-evidence-v1\",\"generatedAt\":\"2026-12-05T04:41:00Z\",\"controls\":[]}";
        String[] signed = signedBundle(pair, payload, json);
        String[] byOther = signedBundle(other, payload, json);
        assertThat(EvidenceVerifier.verify(signed[0].getBytes(StandardCharsets.UTF_8), byOther[1]).problem()).contains("another key");
        // A bundle re-signed by someone else's key, naming that key: valid only for that key, and --key catches it.
        assertThat(EvidenceVerifier.verify(byOther[0].getBytes(StandardCharsets.UTF_8), signed[1]).valid()).isFalse();
        String wrongFormat = signedBundle(pair, "{\"format\":\"something-else\"}", json)[0];
        assertThat(EvidenceVerifier.verify(wrongFormat.getBytes(StandardCharsets.UTF_8), signed[1]).problem()).contains("format");
        String checkpointContext = signed[0].replace("bulwark.trust-evidence.v1", "bulwark.checkpoint.v1");
        assertThat(EvidenceVerifier.verify(checkpointContext.getBytes(StandardCharsets.UTF_8), signed[1]).valid()).isFalse();
        for (String notABundle : List.of("", "[]", "{}", "not json", "{\"context\":1}")) {
            assertThat(EvidenceVerifier.verify(notABundle.getBytes(StandardCharsets.UTF_8), null).valid()).as(notABundle).isFalse();
        }
        assertThat(run(System.out, "--bundle")).isEqualTo(2);
        assertThat(run(System.out, "--nope", "x")).isEqualTo(2);
        assertThat(run(System.out, "--bundle", dir.resolve("missing.json").toString())).isEqualTo(2);
    }
}
