package dev.bulwark.verifier;

import java.io.IOException;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies the trust center's signed evidence bundle ({@code GET /api/v1/trust/evidence}) offline, from
 * docs/trust-center.md ("The signed evidence bundle") alone: {@code {context, payload, signature, verifierKey}}, the
 * context {@code bulwark.trust-evidence.v1}, an Ed25519 signature over the context, a newline and the payload's bytes,
 * by the C2SP verifier key published at {@code /.well-known/bulwark-audit-key}; the payload JSON of format
 * {@code bulwark-trust-evidence-v1}. Shares no code with the writer (trust/web/TrustController, audit/AuditSignatures)
 * and none with the audit verifier beside it, so each can be read and audited on its own.
 *
 * <p>Exit status 0 when the bundle is signed by the given key (or, without {@code --key}, by the key it names itself,
 * which is then said, since anyone can sign with a key of their own); 1 when it is not; 2 when it was used wrongly or
 * the file is not a bundle.
 */
public final class EvidenceVerifier {

    static final String CONTEXT = "bulwark.trust-evidence.v1";
    static final String FORMAT = "bulwark-trust-evidence-v1";
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** What a run found: {@code valid}, and the controls by status when the payload could be read. */
    public record Result(boolean valid, String problem, String generatedAt, Map<String, Integer> statuses) {
    }

    private EvidenceVerifier() {
    }

    /** The command line: {@code --bundle FILE [--key FILE]}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path bundle = null;
        Path key = null;
        try {
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--bundle" -> bundle = Path.of(value);
                    case "--key" -> key = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (bundle == null) {
                throw new IllegalArgumentException("--bundle is required");
            }
            String expectedKey = key == null ? null : Files.readString(key, StandardCharsets.UTF_8).strip();
            Result r = verify(Files.readAllBytes(bundle), expectedKey);
            if (!r.valid()) {
                out.println("INVALID: " + r.problem());
                return 1;
            }
            out.printf("valid: evidence generated at %s, controls %s%s%n", r.generatedAt(), r.statuses(),
                    expectedKey == null ? "; signed by the key the bundle names, NOT checked against the published key:"
                            + " pass --key with /.well-known/bulwark-audit-key" : "; signed by the given key");
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("evidence-verify: " + e.getMessage());
            err.println("usage: evidence-verify --bundle evidence.json [--key audit-key.txt]");
            return 2;
        }
    }

    /**
     * Verifies a bundle's bytes; {@code expectedKey} (a C2SP verifier key) must equal the one the bundle names when
     * given. Throws IllegalArgumentException when the bytes are not a bundle at all.
     */
    public static Result verify(byte[] bundle, String expectedKey) {
        JsonNode root;
        try {
            root = JSON.readTree(bundle);
        } catch (JacksonException e) {
            return new Result(false, "not JSON: " + e.getOriginalMessage(), null, Map.of());
        }
        for (String field : new String[] {"context", "payload", "signature", "verifierKey"}) {
            if (root == null || !root.isObject() || root.get(field) == null || !root.get(field).isString()) {
                return new Result(false, "not an evidence bundle: no string field " + field, null, Map.of());
            }
        }
        String context = root.get("context").asString();
        if (!context.equals(CONTEXT)) {
            return new Result(false, "the context is " + context + ", not " + CONTEXT, null, Map.of());
        }
        String verifierKey = root.get("verifierKey").asString();
        if (expectedKey != null && !expectedKey.equals(verifierKey)) {
            return new Result(false, "the bundle names another key than the one given", null, Map.of());
        }
        byte[] payload;
        byte[] signature;
        byte[] raw;
        try {
            payload = canonical(root.get("payload").asString());
            signature = canonical(root.get("signature").asString());
            raw = publicKey(verifierKey);
        } catch (IllegalArgumentException e) {
            return new Result(false, e.getMessage(), null, Map.of());
        }
        byte[] prefix = (context + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(payload, 0, signed, prefix.length, payload.length);
        if (!ed25519(raw, signed, signature)) {
            return new Result(false, "the signature does not verify", null, Map.of());
        }
        JsonNode evidence;
        try {
            evidence = JSON.readTree(payload);
        } catch (JacksonException e) {
            return new Result(false, "the signed payload is not JSON", null, Map.of());
        }
        if (evidence == null || !FORMAT.equals(evidence.path("format").asString(null))) {
            return new Result(false, "the signed payload is not of format " + FORMAT, null, Map.of());
        }
        Map<String, Integer> statuses = new TreeMap<>();
        for (JsonNode control : evidence.path("controls")) {
            statuses.merge(control.path("status").asString("unknown"), 1, Integer::sum);
        }
        return new Result(true, null, evidence.path("generatedAt").asString(null), statuses);
    }

    /**
     * Base64 that re-encodes to the very same text: the decoder ignores the unused low bits of the last character, so
     * without this a changed byte there would still verify.
     */
    private static byte[] canonical(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (!Base64.getEncoder().encodeToString(bytes).equals(base64)) {
            throw new IllegalArgumentException("a field is not canonical base64");
        }
        return bytes;
    }

    /** The raw Ed25519 key of a C2SP verifier key {@code name+hexid+base64(0x01 || key)}, its id checked. */
    static byte[] publicKey(String verifierKey) {
        String[] parts = verifierKey.split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("the key is not a C2SP verifier key (name+id+key)");
        }
        byte[] typed = canonical(parts[2]);
        if (typed.length != 33 || typed[0] != 1) {
            throw new IllegalArgumentException("the key is not an Ed25519 verifier key");
        }
        byte[] raw = Arrays.copyOfRange(typed, 1, 33);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((parts[0] + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 1);
        sha.update(raw);
        if (!HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 4)).equals(parts[1])) {
            throw new IllegalArgumentException("the key's id does not match its name and key");
        }
        return raw;
    }

    private static boolean ed25519(byte[] raw, byte[] message, byte[] signature) {
        try {
            byte[] der = new byte[44];
            System.arraycopy(ED25519_SPKI, 0, der, 0, 12);
            System.arraycopy(raw, 0, der, 12, 32);
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
            ed.update(message);
            return ed.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
