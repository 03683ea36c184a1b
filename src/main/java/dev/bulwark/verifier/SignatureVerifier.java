package dev.bulwark.verifier;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The offline verifier of evidence PDFs (docs/signatures.md, "Verifying offline"):
 * {@code java -jar bulwark.jar signature-verify --pdf FILE --certificate PEM}. With no database and no network it
 * checks that the file carries exactly one seal, a detached CAdES signature whose byte range covers the whole file
 * except its own contents, made by the key of the certificate given; that the embedded record hashes to its
 * {@code recordSha256}; and for each signature that it names that record, that its challenge and manifest hash are
 * the spec's, and that its passkey assertion (when there is one) holds over the challenge with user verification.
 * It implements the spec on its own: it shares nothing with the writer but the document.
 */
public final class SignatureVerifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    static final String MANIFEST_NAME = "signing-manifest.json";

    private SignatureVerifier() {
    }

    /** The outcome: the lines to print, or the first reason it does not hold. */
    public record Result(boolean valid, List<String> signatures, String failure) {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String pdf = null;
        String certificate = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pdf" -> pdf = args[i + 1];
                case "--certificate" -> certificate = args[i + 1];
                default -> {
                    err.println("unknown option " + args[i]);
                    return 2;
                }
            }
        }
        if (pdf == null || certificate == null || args.length % 2 != 0) {
            err.println("usage: signature-verify --pdf FILE --certificate PEM");
            return 2;
        }
        Result result;
        try {
            result = verify(Files.readAllBytes(Path.of(pdf)), Files.readString(Path.of(certificate)));
        } catch (IOException e) {
            err.println("cannot read: " + e.getMessage());
            return 2;
        }
        if (!result.valid()) {
            err.println("INVALID: " + result.failure());
            return 1;
        }
        result.signatures().forEach(out::println);
        out.println("VALID: the seal holds over the whole file and " + result.signatures().size() + " signature(s) are bound to the record");
        return 0;
    }

    public static Result verify(byte[] file, String certificatePem) {
        try {
            X509Certificate certificate = certificate(certificatePem);
            try (PDDocument pdf = Loader.loadPDF(file)) {
                List<PDSignature> seals = pdf.getSignatureDictionaries();
                if (seals.size() != 1) {
                    return fail("expected one seal, found " + seals.size());
                }
                PDSignature seal = seals.getFirst();
                if (!"ETSI.CAdES.detached".equals(seal.getSubFilter())) {
                    return fail("the seal is not ETSI.CAdES.detached");
                }
                int[] range = seal.getByteRange();
                if (range.length != 4 || range[0] != 0 || (long) range[2] + range[3] != file.length || range[1] >= range[2]) {
                    return fail("the seal does not cover the whole file");
                }
                byte[] signed = new byte[range[1] + range[3]];
                System.arraycopy(file, 0, signed, 0, range[1]);
                System.arraycopy(file, range[2], signed, range[1], range[3]);
                byte[] contents = cmsOf(file, range);
                CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signed), contents);
                List<SignerInformation> signers = new ArrayList<>(cms.getSignerInfos().getSigners());
                if (signers.size() != 1) {
                    return fail("the seal has " + signers.size() + " signers");
                }
                SignerInformation signer = signers.getFirst();
                if (signer.getSignedAttributes() == null
                        || signer.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2) == null) {
                    return fail("the seal lacks the signing-certificate-v2 attribute (PAdES)");
                }
                if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                    return fail("the seal does not verify with the certificate given");
                }
                byte[] manifest = embedded(pdf);
                if (manifest == null) {
                    return fail("no " + MANIFEST_NAME + " is embedded");
                }
                return manifest(JSON.readTree(manifest));
            }
        } catch (Exception broken) {
            return fail("not verifiable: " + broken.getClass().getSimpleName() + (broken.getMessage() == null ? "" : ": " + broken.getMessage()));
        }
    }

    /** The embedded manifest's checks alone (the seal already held). */
    public static Result manifest(JsonNode root) {
        JsonNode record = root.path("record");
        String documentId = record.path("documentId").asString("");
        int version = record.path("version").asInt(-1);
        String recordSha = hex(hash("bulwark.record.v1", documentId, Integer.toString(version), record.path("title").asString(""),
                record.path("body").asString("")));
        if (!recordSha.equals(record.path("recordSha256").asString(""))) {
            return fail("the embedded record does not hash to its recordSha256");
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode s : root.path("signatures")) {
            String id = s.path("signatureId").asString("");
            if (!documentId.equals(s.path("documentId").asString("")) || version != s.path("version").asInt(-2)
                    || !recordSha.equals(s.path("recordSha256").asString(""))) {
                return fail("signature " + id + " is not bound to this record");
            }
            JsonNode signer = s.path("signer");
            byte[] nonce = D64.decode(s.path("nonce").asString(""));
            byte[] challenge = hash("bulwark.challenge.v1", B64.encodeToString(nonce), recordSha, s.path("meaning").asString(""),
                    signer.path("userId").asString(""));
            if (!B64.encodeToString(challenge).equals(s.path("challenge").asString(""))) {
                return fail("signature " + id + ": the challenge is not the manifest's");
            }
            JsonNode a = s.path("assertion");
            boolean hasAssertion = a.isObject();
            String manifestSha = hex(hash("bulwark.manifest.v1", id, documentId, Integer.toString(version), recordSha,
                    s.path("meaning").asString(""), s.path("reason").asString(""), signer.path("userId").asString(""),
                    signer.path("name").asString(""), signer.path("role").asString(""), s.path("signedAt").asString(""),
                    s.path("authMethod").asString(""), B64.encodeToString(nonce), B64.encodeToString(challenge),
                    field(a, "credentialId"), field(a, "clientDataJSON"), field(a, "authenticatorData"), field(a, "signature"),
                    field(a, "publicKey"), field(a, "keyAlgorithm")));
            if (!manifestSha.equals(s.path("manifestSha256").asString(""))) {
                return fail("signature " + id + ": the manifest does not hash to its manifestSha256");
            }
            if ("passkey".equals(s.path("authMethod").asString("")) != hasAssertion) {
                return fail("signature " + id + ": a passkey signature carries its assertion, and only it");
            }
            if (hasAssertion && !assertionHolds(a, challenge)) {
                return fail("signature " + id + ": the passkey assertion does not hold over its challenge");
            }
            lines.add("signature " + id + ": " + s.path("meaning").asString("") + " by " + signer.path("name").asString("") + " ("
                    + signer.path("role").asString("") + ", " + signer.path("userId").asString("") + ") at " + s.path("signedAt").asString("")
                    + ", document " + documentId + " version " + version + ", SHA-256 " + recordSha + ", " + s.path("authMethod").asString(""));
        }
        return new Result(true, lines, null);
    }

    private static String field(JsonNode a, String name) {
        return a.isObject() ? a.path(name).asString("") : "";
    }

    private static boolean assertionHolds(JsonNode a, byte[] challenge) {
        try {
            byte[] clientData = D64.decode(a.path("clientDataJSON").asString(""));
            byte[] authData = D64.decode(a.path("authenticatorData").asString(""));
            JsonNode client = JSON.readTree(clientData);
            if (!"webauthn.get".equals(client.path("type").asString("")) || !B64.encodeToString(challenge).equals(client.path("challenge").asString(""))
                    || authData.length < 37 || (authData[32] & 0x05) != 0x05) {
                return false;
            }
            String algorithm = a.path("keyAlgorithm").asString("");
            PublicKey key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(a.path("publicKey").asString(""))));
            Signature verifier = Signature.getInstance("EC".equals(algorithm) ? "SHA256withECDSA" : "SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(authData);
            verifier.update(MessageDigest.getInstance("SHA-256").digest(clientData));
            return verifier.verify(D64.decode(a.path("signature").asString("")));
        } catch (Exception malformed) {
            return false;
        }
    }

    /** The CMS in /Contents: the hex string between the byte ranges, without its zero padding. */
    private static byte[] cmsOf(byte[] file, int[] range) throws IOException {
        String hex = new String(file, range[1] + 1, range[2] - range[1] - 2, StandardCharsets.US_ASCII);
        byte[] padded = HexFormat.of().parseHex(hex);
        try (ASN1InputStream in = new ASN1InputStream(padded)) {
            ASN1Primitive cms = in.readObject();
            return cms.getEncoded();
        }
    }

    private static byte[] embedded(PDDocument pdf) throws IOException {
        if (pdf.getDocumentCatalog().getNames() == null) {
            return null;
        }
        PDEmbeddedFilesNameTreeNode tree = pdf.getDocumentCatalog().getNames().getEmbeddedFiles();
        if (tree == null || tree.getNames() == null) {
            return null;
        }
        Map<String, PDComplexFileSpecification> names = tree.getNames();
        PDComplexFileSpecification spec = names.get(MANIFEST_NAME);
        return spec == null || spec.getEmbeddedFile() == null ? null : spec.getEmbeddedFile().toByteArray();
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] hash(String... fields) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String field : fields) {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                out.write(':');
                out.writeBytes(bytes);
                out.write('\n');
            }
            return MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static Result fail(String why) {
        return new Result(false, List.of(), why);
    }
}
