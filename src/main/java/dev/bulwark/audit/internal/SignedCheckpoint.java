package dev.bulwark.audit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A checkpoint in the C2SP tlog-checkpoint form, signed as a C2SP signed note:
 * <pre>
 * &lt;origin&gt;\n&lt;tree size&gt;\n&lt;base64 root hash&gt;\n
 * \n
 * — &lt;key name&gt; &lt;base64(key id || Ed25519 signature over the text above the blank line)&gt;\n
 * </pre>
 * Any C2SP-aware tool (Go's golang.org/x/mod/sumdb/note, for one) verifies these notes with our verifier key.
 */
public record SignedCheckpoint(String origin, long treeSize, byte[] rootHash, String note) {

    private static final String DASH = "\u2014 ";

    public static SignedCheckpoint sign(String origin, long treeSize, byte[] rootHash, CheckpointKey key) {
        String text = body(origin, treeSize, rootHash);
        byte[] signature = key.sign(text.getBytes(StandardCharsets.UTF_8));
        byte[] stamped = new byte[4 + signature.length];
        System.arraycopy(key.keyId(), 0, stamped, 0, 4);
        System.arraycopy(signature, 0, stamped, 4, signature.length);
        String note = text + "\n" + DASH + key.name() + " " + Base64.getEncoder().encodeToString(stamped) + "\n";
        return new SignedCheckpoint(origin, treeSize, rootHash.clone(), note);
    }

    static String body(String origin, long treeSize, byte[] rootHash) {
        return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    /**
     * Parses {@code note} and checks its signature with the C2SP verifier key {@code verifierKey}; throws
     * {@link IllegalArgumentException} saying what is wrong when the note is malformed or not signed by that key.
     */
    public static SignedCheckpoint verify(String note, String verifierKey) {
        String[] vkey = verifierKey.strip().split("\\+", 3);
        if (vkey.length != 3) {
            throw new IllegalArgumentException("not a verifier key");
        }
        byte[] keyId = HexFormat.of().parseHex(vkey[1]);
        byte[] typed = Base64.getDecoder().decode(vkey[2]);
        if (typed.length != 33 || typed[0] != CheckpointKey.ED25519) {
            throw new IllegalArgumentException("not an Ed25519 verifier key");
        }
        byte[] raw = Arrays.copyOfRange(typed, 1, 33);
        if (!Arrays.equals(keyId, CheckpointKey.keyId(vkey[0], raw))) {
            throw new IllegalArgumentException("the verifier key's id does not match its name and key");
        }
        int split = note.indexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new IllegalArgumentException("not a signed note");
        }
        String text = note.substring(0, split + 1);
        boolean signed = false;
        for (String line : note.substring(split + 2).split("\n")) {
            if (!line.startsWith(DASH)) {
                throw new IllegalArgumentException("malformed signature line");
            }
            String[] parts = line.substring(DASH.length()).split(" ");
            if (parts.length != 2 || !parts[0].equals(vkey[0])) {
                continue;
            }
            byte[] stamped = Base64.getDecoder().decode(parts[1]);
            if (stamped.length != 68 || !Arrays.equals(Arrays.copyOf(stamped, 4), keyId)) {
                continue;
            }
            try {
                Signature ed = Signature.getInstance("Ed25519");
                ed.initVerify(CheckpointKey.publicKey(raw));
                ed.update(text.getBytes(StandardCharsets.UTF_8));
                signed = ed.verify(Arrays.copyOfRange(stamped, 4, 68));
            } catch (GeneralSecurityException e) {
                signed = false;
            }
            if (signed) {
                break;
            }
        }
        if (!signed) {
            throw new IllegalArgumentException("not signed by " + vkey[0] + " with key " + vkey[1]);
        }
        String[] lines = text.split("\n");
        if (lines.length < 3) {
            throw new IllegalArgumentException("a checkpoint has an origin, a size and a root hash");
        }
        byte[] root = Base64.getDecoder().decode(lines[2]);
        if (root.length != MerkleTree.HASH) {
            throw new IllegalArgumentException("the root hash is not 32 bytes");
        }
        return new SignedCheckpoint(lines[0], Long.parseLong(lines[1]), root, note);
    }

    /** The key ids (hex) of the signature lines of {@code note}: who signed it, without checking the signatures. */
    static java.util.List<String> signers(String note) {
        int split = note.indexOf("\n\n");
        java.util.List<String> ids = new java.util.ArrayList<>();
        if (split < 0) {
            return ids;
        }
        for (String line : note.substring(split + 2).split("\n")) {
            String[] parts = line.startsWith(DASH) ? line.substring(DASH.length()).split(" ") : new String[0];
            if (parts.length == 2) {
                try {
                    byte[] stamped = Base64.getDecoder().decode(parts[1]);
                    if (stamped.length >= 4) {
                        ids.add(HexFormat.of().formatHex(stamped, 0, 4));
                    }
                } catch (IllegalArgumentException malformed) {
                    // not a signature line of ours
                }
            }
        }
        return ids;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedCheckpoint c && c.note.equals(note);
    }

    @Override
    public int hashCode() {
        return note.hashCode();
    }

    @Override
    public String toString() {
        return "SignedCheckpoint[" + origin + ", " + treeSize + "]";
    }
}
