package dev.bulwark.audit;

import java.nio.charset.StandardCharsets;

import dev.bulwark.audit.internal.CheckpointKey;
import org.springframework.stereotype.Service;

/**
 * Signing other evidence with the audit checkpoint key (Ed25519), whose public half is published at
 * {@code /.well-known/bulwark-audit-key}. Every signed message starts with its own context line, so a signature over
 * one kind of document can never pass for a checkpoint or another kind.
 */
@Service
public class AuditSignatures {

    private final CheckpointKey key;

    AuditSignatures(CheckpointKey key) {
        this.key = key;
    }

    /** What a context must look like: never a checkpoint origin (those hold a '/'), always versioned. */
    private static final java.util.regex.Pattern CONTEXT = java.util.regex.Pattern.compile("bulwark\\.[a-z-]+\\.v[0-9]+");

    /**
     * Signs {@code context + "\n" + message}; {@code context} names the kind of document, e.g.
     * {@code bulwark.trust-evidence.v1}. Any other shape is refused, so no caller can make this key sign something
     * that reads as a checkpoint note (whose first line is an origin with a '/').
     */
    public byte[] sign(String context, byte[] message) {
        if (!CONTEXT.matcher(context).matches()) {
            throw new IllegalArgumentException("a signing context is bulwark.<kind>.v<n>");
        }
        byte[] prefix = (context + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(message, 0, signed, prefix.length, message.length);
        return key.sign(signed);
    }

    /** The C2SP verifier key, as /.well-known/bulwark-audit-key publishes it. */
    public String verifierKey() {
        return key.verifierKey();
    }
}
