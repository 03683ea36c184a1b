package dev.bulwark.signatures.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;

import dev.bulwark.workspace.DocumentRecords.RecordVersion;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.DublinCoreSchema;
import org.apache.xmpbox.schema.XMPSchema;
import org.apache.xmpbox.xml.XmpSerializer;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evidence PDF of a document version (docs/signatures.md, "Evidence"): the version's content, one manifestation
 * block per signature, the signing manifest as the embedded file {@link #MANIFEST_NAME} (JSON) and in XMP, sealed
 * with a PAdES B-B signature ({@code /SubFilter ETSI.CAdES.detached}) by the organisation's seal key over the whole
 * file. PDFBox signs only by incremental save of a document loaded from bytes: so the file is saved, reloaded, then
 * signed. The body's HTML is drawn as text: tags are dropped and a block element ends a line.
 */
@Component
public class EvidencePdf {

    public static final String MANIFEST_NAME = "signing-manifest.json";
    public static final String XMP_NAMESPACE = "https://bulwark.dev/ns/signatures/1.0/";
    public static final String XMP_PREFIX = "bulwarksig";
    private static final int SIGNATURE_SIZE = 12_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final float MARGIN = 56;
    private static final float LEADING = 14;
    private static final float SIZE = 10;
    private static final int WRAP = 95;

    /** The evidence of {@code record} with {@code signatures}, sealed by {@code seal}. */
    public byte[] render(RecordVersion record, List<Signing.Stored> signatures, SealKeys.Seal seal) {
        byte[] manifest = manifestJson(record, signatures);
        byte[] unsigned = unsigned(record, signatures, manifest);
        return sealed(unsigned, seal);
    }

    /** The embedded manifest: the record (content and hash) and each signature with all its manifest covers. */
    public static byte[] manifestJson(RecordVersion record, List<Signing.Stored> signatures) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("spec", "bulwark.signatures.v1");
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("documentId", record.documentId().toString());
        rec.put("version", record.version());
        rec.put("title", record.title());
        rec.put("body", record.body() == null ? "" : record.body());
        rec.put("recordSha256", SignatureSpec.hex(Signing.recordSha256(record)));
        root.put("record", rec);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Signing.Stored s : signatures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signatureId", s.id().toString());
            m.put("documentId", s.documentId().toString());
            m.put("version", s.version());
            m.put("recordSha256", SignatureSpec.hex(s.recordSha256()));
            m.put("meaning", s.meaning());
            m.put("reason", s.reason());
            m.put("signer", Map.of("userId", s.signerId().toString(), "name", s.signerName(), "role", s.signerRole()));
            m.put("signedAt", s.signedAt().toString());
            m.put("authMethod", s.authMethod());
            m.put("nonce", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.nonce()));
            m.put("challenge", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    SignatureSpec.challenge(s.nonce(), s.recordSha256(), s.meaning(), s.signerId())));
            m.put("assertion", s.assertion());
            m.put("manifestSha256", SignatureSpec.hex(s.manifestSha256()));
            list.add(m);
        }
        root.put("signatures", list);
        return JSON.writeValueAsBytes(root);
    }

    private byte[] unsigned(RecordVersion record, List<Signing.Stored> signatures, byte[] manifest) {
        try (PDDocument pdf = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            List<String[]> lines = new ArrayList<>(); // {style, text}
            lines.add(new String[] {"b", record.title()});
            lines.add(new String[] {"", "Document " + record.documentId() + ", version " + record.version()});
            lines.add(new String[] {"", "Record SHA-256: " + SignatureSpec.hex(Signing.recordSha256(record))});
            lines.add(new String[] {"", ""});
            for (String paragraph : text(record.body())) {
                for (String line : wrap(paragraph)) {
                    lines.add(new String[] {"", line});
                }
            }
            lines.add(new String[] {"", ""});
            lines.add(new String[] {"b", signatures.isEmpty() ? "Electronic signatures: none" : "Electronic signatures (21 CFR Part 11)"});
            for (Signing.Stored s : signatures) {
                lines.add(new String[] {"", ""});
                lines.add(new String[] {"b", "Signed by: " + s.signerName() + " (" + s.signerRole() + ")"});
                lines.add(new String[] {"", "Signer id: " + s.signerId()});
                lines.add(new String[] {"", "Signed at (UTC): " + s.signedAt()});
                lines.add(new String[] {"", "Meaning: " + s.meaning()});
                for (String line : wrap("Reason: " + s.reason())) {
                    lines.add(new String[] {"", line});
                }
                lines.add(new String[] {"", "Document id: " + s.documentId()});
                lines.add(new String[] {"", "Version: " + s.version()});
                lines.add(new String[] {"", "SHA-256: " + SignatureSpec.hex(s.recordSha256())});
                lines.add(new String[] {"", "Authentication: " + s.authMethod()});
                lines.add(new String[] {"", "Manifest SHA-256: " + SignatureSpec.hex(s.manifestSha256())});
            }
            int perPage = (int) ((PDRectangle.A4.getHeight() - 2 * MARGIN) / LEADING);
            for (int start = 0; start < lines.size(); start += perPage) {
                PDPage page = new PDPage(PDRectangle.A4);
                pdf.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
                    float y = PDRectangle.A4.getHeight() - MARGIN;
                    for (String[] line : lines.subList(start, Math.min(lines.size(), start + perPage))) {
                        content.beginText();
                        content.setFont("b".equals(line[0]) ? bold : font, SIZE);
                        content.newLineAtOffset(MARGIN, y);
                        content.showText(encodable(line[1]));
                        content.endText();
                        y -= LEADING;
                    }
                }
            }
            PDEmbeddedFile file = new PDEmbeddedFile(pdf, new ByteArrayInputStream(manifest));
            file.setSubtype("application/json");
            file.setSize(manifest.length);
            PDComplexFileSpecification spec = new PDComplexFileSpecification();
            spec.setFile(MANIFEST_NAME);
            spec.setFileUnicode(MANIFEST_NAME);
            spec.setEmbeddedFile(file);
            spec.setFileDescription("The signing manifest: the record and every signature (docs/signatures.md)");
            PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
            tree.setNames(Map.of(MANIFEST_NAME, spec));
            PDDocumentNameDictionary names = new PDDocumentNameDictionary(pdf.getDocumentCatalog());
            names.setEmbeddedFiles(tree);
            pdf.getDocumentCatalog().setNames(names);
            pdf.getDocumentCatalog().setMetadata(xmp(pdf, record, signatures));
            pdf.getDocumentInformation().setTitle(record.title());
            pdf.getDocumentInformation().setProducer("Bulwark");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PDMetadata xmp(PDDocument pdf, RecordVersion record, List<Signing.Stored> signatures) throws IOException {
        XMPMetadata xmp = XMPMetadata.createXMPMetadata();
        DublinCoreSchema dc = xmp.createAndAddDublinCoreSchema();
        dc.setTitle(record.title());
        XMPSchema sig = new XMPSchema(xmp, XMP_NAMESPACE, XMP_PREFIX);
        sig.setTextPropertyValue("documentId", record.documentId().toString());
        sig.setTextPropertyValue("version", Integer.toString(record.version()));
        sig.setTextPropertyValue("recordSha256", SignatureSpec.hex(Signing.recordSha256(record)));
        StringBuilder all = new StringBuilder();
        for (Signing.Stored s : signatures) {
            all.append(s.signerName()).append(" | ").append(s.signerRole()).append(" | ").append(s.signedAt()).append(" | ")
                    .append(s.meaning()).append(" | ").append(s.reason()).append(" | ").append(s.documentId()).append(" | v")
                    .append(s.version()).append(" | ").append(SignatureSpec.hex(s.recordSha256())).append('\n');
        }
        sig.setTextPropertyValue("signatures", all.toString());
        xmp.addSchema(sig);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new XmpSerializer().serialize(xmp, out, true);
        } catch (javax.xml.transform.TransformerException e) {
            throw new IOException(e);
        }
        PDMetadata metadata = new PDMetadata(pdf);
        metadata.importXMPMetadata(out.toByteArray());
        return metadata;
    }

    private static byte[] sealed(byte[] unsigned, SealKeys.Seal seal) {
        try (PDDocument pdf = Loader.loadPDF(unsigned)) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(COSName.getPDFName("ETSI.CAdES.detached"));
            signature.setName("Bulwark seal");
            signature.setReason("Evidence of electronic signatures (21 CFR Part 11)");
            Calendar now = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            signature.setSignDate(now);
            SignatureOptions options = new SignatureOptions();
            options.setPreferredSignatureSize(SIGNATURE_SIZE);
            pdf.addSignature(signature, content -> cms(content, seal), options);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.saveIncremental(out);
            options.close();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A detached CMS over the signed ranges: PAdES B-B (signing-certificate-v2, no signing-time attribute). */
    private static byte[] cms(InputStream content, SealKeys.Seal seal) throws IOException {
        try {
            X509Certificate certificate = seal.certificate();
            byte[] certHash = SignatureSpec.sha256(certificate.getEncoded());
            ESSCertIDv2 id = new ESSCertIDv2(certHash); // SHA-256 is the default algorithm
            Attribute signingCertificate = new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                    new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {id})));
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(signingCertificate);
            DefaultSignedAttributeTableGenerator table = new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)) {
                @Override
                public AttributeTable getAttributes(Map parameters) {
                    return super.getAttributes(parameters).remove(CMSAttributes.signingTime);
                }
            };
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(table)
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(seal.key()), certificate));
            generator.addCertificates(new JcaCertStore(List.of(certificate, seal.authority())));
            return generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false).getEncoded();
        } catch (java.security.GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.cms.CMSException e) {
            throw new IOException("the seal could not sign", e);
        }
    }

    /** Paragraphs of text from sanitised HTML: tags dropped, block ends as breaks, the common entities decoded. */
    static List<String> text(String html) {
        if (html == null || html.isEmpty()) {
            return List.of();
        }
        String broken = html.replaceAll("(?i)<\\s*(br|/p|/div|/li|/h[1-6]|/tr|/blockquote|/pre)[^>]*>", "\n");
        String plain = broken.replaceAll("<[^>]*>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#34;", "\"")
                .replace("&#39;", "'").replace("&#43;", "+").replace("&#61;", "=").replace("&#64;", "@").replace("&#96;", "`")
                .replace("&nbsp;", " ").replace("&amp;", "&");
        List<String> paragraphs = new ArrayList<>();
        for (String line : plain.split("\n")) {
            paragraphs.add(line.strip());
        }
        return paragraphs;
    }

    static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > WRAP) {
            int cut = rest.lastIndexOf(' ', WRAP);
            if (cut <= 0) {
                cut = WRAP;
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        lines.add(rest);
        return lines;
    }

    /** Helvetica draws WinAnsi only: any other character is shown as '?' (the embedded manifest keeps the exact text). */
    private static String encodable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        java.nio.charset.CharsetEncoder winAnsi = java.nio.charset.Charset.forName("windows-1252").newEncoder();
        text.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            out.append(cp >= 32 && winAnsi.canEncode(ch) ? ch : "?");
        });
        return out.toString();
    }

}
