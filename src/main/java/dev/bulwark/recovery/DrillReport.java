package dev.bulwark.recovery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A drill's report and its signed file. The command prints {@code {restoredTo, orgs, eventsVerified, valid, seconds}};
 * the file in {@code <bulwark.backup.state-dir>/drills/} holds the same with the drill's time, the backup and the
 * problems found, as the exact text that was signed ({@code report}), the signing context, the verifier key and the
 * Ed25519 signature over {@code context + "\n" + report} (the audit checkpoint key's, {@code AuditSignatures}). A drill
 * refused before it could start the copy (a corrupted backup) leaves an unsigned failed report: a failure needs no
 * proof, a pass does.
 */
public record DrillReport(Instant restoredTo, int orgs, long eventsVerified, boolean valid, double seconds, Instant drilledAt,
                          String backup, List<String> problems) {

    public static final String CONTEXT = "bulwark.backup-drill.v1";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** What the command prints. */
    public String summary() {
        ObjectNode n = JSON.createObjectNode();
        n.put("restoredTo", restoredTo == null ? null : restoredTo.toString());
        n.put("orgs", orgs);
        n.put("eventsVerified", eventsVerified);
        n.put("valid", valid);
        n.put("seconds", Math.round(seconds * 1000) / 1000.0);
        return JSON.writeValueAsString(n);
    }

    /** The text that is signed: the summary's fields, the drill's time, the backup and the problems. */
    public String text() {
        ObjectNode n = (ObjectNode) JSON.readTree(summary());
        n.put("drilledAt", drilledAt.toString());
        n.put("backup", backup);
        n.putPOJO("problems", problems);
        return JSON.writeValueAsString(n);
    }

    /** The file: the signed text, and its signature when there is one. */
    public String file(String verifierKey, byte[] signature) {
        ObjectNode n = JSON.createObjectNode();
        n.put("report", text());
        n.put("context", CONTEXT);
        n.put("verifierKey", verifierKey);
        n.put("signature", signature == null ? null : Base64.getEncoder().encodeToString(signature));
        return JSON.writeValueAsString(n);
    }

    /** A report file read back: the report, and whether its signature verifies under {@code verifierKey}. */
    public record Read(DrillReport report, boolean signed) {
    }

    public static Read read(String file, String verifierKey) {
        JsonNode n = JSON.readTree(file);
        String text = n.required("report").asString();
        JsonNode r = JSON.readTree(text);
        List<String> problems = new java.util.ArrayList<>();
        r.path("problems").forEach(p -> problems.add(p.asString()));
        DrillReport report = new DrillReport(r.path("restoredTo").isString() ? Instant.parse(r.get("restoredTo").asString()) : null,
                r.required("orgs").asInt(), r.required("eventsVerified").asLong(), r.required("valid").asBoolean(),
                r.required("seconds").asDouble(), Instant.parse(r.required("drilledAt").asString()),
                r.path("backup").asString(""), List.copyOf(problems));
        String signature = n.path("signature").isString() ? n.get("signature").asString() : null;
        boolean signed = signature != null && n.path("context").asString("").equals(CONTEXT)
                && verify(verifierKey, CONTEXT, text, Base64.getDecoder().decode(signature));
        return new Read(report, signed);
    }

    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

    /**
     * Verifies an {@code AuditSignatures} signature: Ed25519 over {@code context + "\n" + text} under a C2SP verifier key
     * ({@code name+keyid+base64(0x01 ‖ key)}).
     */
    public static boolean verify(String verifierKey, String context, String text, byte[] signature) {
        try {
            String[] parts = verifierKey.strip().split("\\+", 3);
            byte[] typed = Base64.getDecoder().decode(parts[2]);
            if (typed.length != 33 || typed[0] != 1) {
                return false;
            }
            byte[] der = new byte[44];
            System.arraycopy(ED25519_SPKI, 0, der, 0, 12);
            System.arraycopy(typed, 1, der, 12, 32);
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
            ed.update((context + "\n" + text).getBytes(StandardCharsets.UTF_8));
            return ed.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
