package dev.bulwark.signatures;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import dev.bulwark.shared.Ids;
import dev.bulwark.signatures.internal.EvidencePdf;
import dev.bulwark.signatures.internal.SealKeys;
import dev.bulwark.signatures.internal.SignatureSpec;
import dev.bulwark.signatures.internal.Signing;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.verifier.SignatureVerifier;
import dev.bulwark.workspace.DocumentRecords.RecordVersion;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live exercise behind the trust center's "electronic signatures" control (docs/signatures.md): a synthetic
 * record is signed and sealed by the production code with the platform organisation's seal, then checked by the
 * offline verifier (which shares no code with the writer); the same evidence with one byte of the sealed file
 * changed, and a manifest whose signature names another version, must both fail. Nothing is stored but the platform
 * organisation's seal key, made at first use.
 */
@Component
public class SignatureSelfTest {

    /** Every field true when signing, sealing and verification hold and mutations are caught. */
    public record SelfTest(boolean sealedEvidenceVerifies, boolean changedByteRefused, boolean movedSignatureRefused,
                           boolean otherCertificateRefused) {

        public boolean passed() {
            return sealedEvidenceVerifies && changedByteRefused && movedSignatureRefused && otherCertificateRefused;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SealKeys seals;
    private final EvidencePdf evidence;

    SignatureSelfTest(SealKeys seals, EvidencePdf evidence) {
        this.seals = seals;
        this.evidence = evidence;
    }

    public SelfTest run() {
        UUID documentId = Ids.newId();
        RecordVersion record = new RecordVersion(documentId, Ids.newId(), 1, "Trust center canary record",
                "<p>A synthetic record signed to show that signatures bind and seals hold.</p>", Instant.now());
        byte[] recordSha = Signing.recordSha256(record);
        byte[] nonce = SignatureSpec.sha256(Ids.newId().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        UUID signer = Ids.newId();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = Ids.newId();
        SignatureSpec.Manifest manifest = new SignatureSpec.Manifest(id, documentId, 1, recordSha, "approval", "trust center canary",
                signer, "Trust Center Canary", "OWNER", at.toString(), "password", nonce, null);
        Signing.Stored stored = new Signing.Stored(id, documentId, 1, recordSha, "approval", "trust center canary", signer,
                "Trust Center Canary", "OWNER", at, "password", nonce, null, SignatureSpec.manifestSha256(manifest));
        SealKeys.Seal seal = seals.seal(Organisation.PLATFORM_ID);
        byte[] pdf = evidence.render(record, List.of(stored), seal);
        String pem = SealKeys.pem(seal.certificate());
        boolean verifies = SignatureVerifier.verify(pdf, pem).valid();

        byte[] changed = pdf.clone();
        int at1 = 20; // in the file's header comment: inside the sealed range, and the file still parses
        changed[at1] = (byte) (changed[at1] ^ 0x01);
        boolean changedRefused = !SignatureVerifier.verify(changed, pem).valid();

        ObjectNode moved = (ObjectNode) JSON.readTree(EvidencePdf.manifestJson(record, List.of(stored)));
        ((ObjectNode) moved.get("signatures").get(0)).put("version", 2);
        boolean movedRefused = !SignatureVerifier.manifest(moved).valid();

        boolean otherRefused = !SignatureVerifier.verify(pdf, SealKeys.pem(seal.authority())).valid();
        return new SelfTest(verifies, changedRefused, movedRefused, otherRefused);
    }
}
