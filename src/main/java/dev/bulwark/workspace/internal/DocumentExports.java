package dev.bulwark.workspace.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.workspace.Document;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.poi.ooxml.POIXMLProperties;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFRun;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.DublinCoreSchema;
import org.apache.xmpbox.schema.XMPBasicSchema;
import org.apache.xmpbox.schema.XMPSchema;
import org.apache.xmpbox.xml.XmpSerializer;
import org.owasp.html.HtmlSanitizer;
import org.springframework.stereotype.Component;

/**
 * A document as a PDF (PDFBox) or a DOCX (Apache POI), its body rendered as plain text: the stored HTML is read as a
 * stream of tags and text, and only the text is drawn, a paragraph per block, so no markup of the body reaches the
 * file. An AI-origin document carries machine-readable marks and a visible label (docs/workspace.md, "Exports"): in
 * the PDF, XMP metadata with the IPTC digital source type {@link #TRAINED_ALGORITHMIC_MEDIA} and the label on every
 * page; in the DOCX, the custom properties {@link #AI_GENERATED_PROPERTY} and {@link #AI_COMPLETION_PROPERTY} and the
 * label as the first paragraph. A human-origin document carries neither.
 */
@Component
public class DocumentExports {

    public static final String IPTC_EXT_NAMESPACE = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    public static final String IPTC_EXT_PREFIX = "Iptc4xmpExt";
    public static final String DIGITAL_SOURCE_TYPE = "DigitalSourceType";
    public static final String TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    public static final String AI_GENERATED_PROPERTY = "bulwark.aiGenerated";
    public static final String AI_COMPLETION_PROPERTY = "bulwark.aiCompletionId";
    public static final String LABEL = "AI-generated";

    /** The formats of an export. */
    public enum Format {
        PDF("pdf", "application/pdf"),
        DOCX("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

        private final String extension;
        private final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }

        public String extension() {
            return extension;
        }

        public String mediaType() {
            return mediaType;
        }

        /** {@code pdf} or {@code docx}; anything else (or nothing) is a 400 naming {@code format}. */
        public static Format of(String value) {
            for (Format format : values()) {
                if (format.extension.equals(value)) {
                    return format;
                }
            }
            throw new InvalidInputException("format", "must be pdf or docx");
        }
    }

    /** LiberationSans, which PDFBox ships: Latin, Greek and Cyrillic; other characters are drawn as '?'. */
    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final float MARGIN = 56;
    private static final float BODY_SIZE = 11;
    private static final float TITLE_SIZE = 16;
    private static final float LABEL_SIZE = 9;
    private static final float LEADING = 1.4f;

    public byte[] export(Document document, Format format) {
        try {
            return format == Format.PDF ? pdf(document) : docx(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String label(Document document) {
        return LABEL + ": drafted by an AI model (completion " + document.aiCompletionId() + "), status " + document.status();
    }

    // ---- PDF ----

    private byte[] pdf(Document document) throws IOException {
        try (PDDocument pdf = new PDDocument(); InputStream fontFile = DocumentExports.class.getResourceAsStream(FONT)) {
            if (fontFile == null) {
                throw new IOException("PDFBox's font " + FONT + " is missing");
            }
            PDType0Font font = PDType0Font.load(pdf, fontFile);
            Calendar at = GregorianCalendar.from(document.updatedAt().atZone(TimeZone.getTimeZone("UTC").toZoneId()));

            PDDocumentInformation info = pdf.getDocumentInformation();
            info.setTitle(document.title());
            info.setCreator("Bulwark");
            info.setCreationDate(at);
            info.setModificationDate(at);

            XMPMetadata xmp = XMPMetadata.createXMPMetadata();
            DublinCoreSchema dc = xmp.createAndAddDublinCoreSchema();
            dc.setTitle(document.title());
            dc.setIdentifier(document.id().toString());
            XMPBasicSchema basic = xmp.createAndAddXMPBasicSchema();
            basic.setCreatorTool("Bulwark");
            basic.setCreateDate(at);
            basic.setModifyDate(at);
            if (document.aiGenerated()) {
                // xmpbox has no class for the IPTC Extension schema; a schema of its namespace holds the one property.
                XMPSchema iptc = new XMPSchema(xmp, IPTC_EXT_NAMESPACE, IPTC_EXT_PREFIX);
                iptc.setTextPropertyValue(DIGITAL_SOURCE_TYPE, TRAINED_ALGORITHMIC_MEDIA);
                xmp.addSchema(iptc);
            }
            ByteArrayOutputStream metadata = new ByteArrayOutputStream();
            try {
                new XmpSerializer().serialize(xmp, metadata, true);
            } catch (javax.xml.transform.TransformerException e) {
                throw new IOException("XMP metadata could not be written", e);
            }
            PDMetadata stream = new PDMetadata(pdf);
            stream.importXMPMetadata(metadata.toByteArray());
            pdf.getDocumentCatalog().setMetadata(stream);

            new PdfWriter(pdf, font, document.aiGenerated() ? label(document) : null).write(document.title(),
                    PlainText.paragraphs(document.body()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        }
    }

    /**
     * Lays text out on A4 pages, wrapping at word boundaries (a word wider than the line is broken by characters).
     * PDFBox draws text but has no layout of its own, hence this small one.
     */
    private static final class PdfWriter {

        private final PDDocument pdf;
        private final PDType0Font font;
        private final String label;
        private final float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
        private PDPageContentStream page;
        private float y;

        PdfWriter(PDDocument pdf, PDType0Font font, String label) {
            this.pdf = pdf;
            this.font = font;
            this.label = label;
        }

        void write(String title, List<String> paragraphs) throws IOException {
            newPage();
            try {
                for (String line : wrap(drawable(title), TITLE_SIZE)) {
                    line(line, TITLE_SIZE);
                }
                y -= BODY_SIZE;
                for (String paragraph : paragraphs) {
                    for (String line : wrap(drawable(paragraph), BODY_SIZE)) {
                        line(line, BODY_SIZE);
                    }
                    y -= BODY_SIZE * 0.6f;
                }
            } finally {
                page.close();
            }
        }

        private void newPage() throws IOException {
            if (page != null) {
                page.close();
            }
            PDPage next = new PDPage(PDRectangle.A4);
            pdf.addPage(next);
            page = new PDPageContentStream(pdf, next);
            y = PDRectangle.A4.getHeight() - MARGIN;
            if (label != null) {
                // The visible label heads every page, so no printed page of an AI draft goes without it.
                for (String line : wrap(drawable(label), LABEL_SIZE)) {
                    line(line, LABEL_SIZE);
                }
                y -= LABEL_SIZE;
            }
        }

        private void line(String text, float size) throws IOException {
            if (y - size * LEADING < MARGIN) {
                newPage();
            }
            y -= size * LEADING;
            page.beginText();
            page.setFont(font, size);
            page.newLineAtOffset(MARGIN, y);
            page.showText(text);
            page.endText();
        }

        private float widthOf(String text, float size) throws IOException {
            return font.getStringWidth(text) / 1000 * size;
        }

        private List<String> wrap(String text, float size) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.split(" ")) {
                if (word.isEmpty()) {
                    continue;
                }
                String candidate = line.isEmpty() ? word : line + " " + word;
                if (widthOf(candidate, size) <= width) {
                    line.setLength(0);
                    line.append(candidate);
                    continue;
                }
                if (!line.isEmpty()) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                // A word wider than the line alone is broken where it must be.
                StringBuilder piece = new StringBuilder();
                for (int c : word.codePoints().toArray()) {
                    String longer = piece + Character.toString(c);
                    if (!piece.isEmpty() && widthOf(longer, size) > width) {
                        lines.add(piece.toString());
                        piece.setLength(0);
                    }
                    piece.appendCodePoint(c);
                }
                line.append(piece);
            }
            if (!line.isEmpty() || lines.isEmpty()) {
                lines.add(line.toString());
            }
            return lines;
        }

        /** The text with every character the font cannot draw, and every control character, replaced. */
        private String drawable(String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.codePoints().forEach(c -> {
                if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                    out.append(' ');
                    return;
                }
                String one = Character.toString(c);
                try {
                    font.encode(one);
                    out.append(one);
                } catch (IOException | IllegalArgumentException e) {
                    out.append('?');
                }
            });
            return out.toString();
        }
    }

    // ---- DOCX ----

    private byte[] docx(Document document) throws IOException {
        try (XWPFDocument docx = new XWPFDocument()) {
            if (document.aiGenerated()) {
                XWPFRun run = docx.createParagraph().createRun();
                run.setBold(true);
                run.setText(xmlText(label(document)));
            }
            XWPFParagraph heading = docx.createParagraph();
            XWPFRun title = heading.createRun();
            title.setBold(true);
            title.setFontSize(16);
            title.setText(xmlText(document.title()));
            for (String paragraph : PlainText.paragraphs(document.body())) {
                docx.createParagraph().createRun().setText(xmlText(paragraph));
            }
            POIXMLProperties properties = docx.getProperties();
            properties.getCoreProperties().setTitle(document.title());
            properties.getCoreProperties().setCreator("Bulwark");
            if (document.aiGenerated()) {
                POIXMLProperties.CustomProperties custom = properties.getCustomProperties();
                custom.addProperty(AI_GENERATED_PROPERTY, true);
                custom.addProperty(AI_COMPLETION_PROPERTY, document.aiCompletionId().toString());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            docx.write(out);
            return out.toByteArray();
        }
    }

    /** XML 1.0 cannot carry control characters (tab excepted): each becomes a space. */
    private static String xmlText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c != '\t' && Character.isISOControl(c)) {
                out.append(' ');
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /**
     * The text of a stored body, a string per block: the OWASP parser (the one that sanitised the body on its way in)
     * hands over tags and decoded text; tags only end paragraphs (and start list items), text is kept as text.
     */
    static final class PlainText implements HtmlSanitizer.Policy {

        private static final java.util.Set<String> BLOCKS = java.util.Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6",
                "li", "blockquote", "pre", "tr", "table", "ul", "ol", "br", "hr");

        private final List<String> paragraphs = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private int pre;

        static List<String> paragraphs(String html) {
            PlainText text = new PlainText();
            HtmlSanitizer.sanitize(html == null ? "" : html, text);
            text.end();
            return text.paragraphs;
        }

        @Override
        public void openDocument() {
        }

        @Override
        public void closeDocument() {
        }

        @Override
        public void openTag(String name, List<String> attributes) {
            String tag = name.toLowerCase(Locale.ROOT);
            if (BLOCKS.contains(tag)) {
                end();
            }
            if (tag.equals("li")) {
                current.append("• ");
            } else if (tag.equals("td") || tag.equals("th")) {
                if (!current.isEmpty()) {
                    current.append(" | ");
                }
            } else if (tag.equals("pre")) {
                pre++;
            }
        }

        @Override
        public void closeTag(String name) {
            String tag = name.toLowerCase(Locale.ROOT);
            if (tag.equals("pre")) {
                pre = Math.max(0, pre - 1);
            }
            if (BLOCKS.contains(tag)) {
                end();
            }
        }

        @Override
        public void text(String text) {
            if (pre > 0) {
                String[] lines = text.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (i > 0) {
                        end();
                    }
                    current.append(lines[i]);
                }
                return;
            }
            current.append(text.replaceAll("\\s+", " "));
        }

        private void end() {
            String paragraph = current.toString().strip();
            if (!paragraph.isEmpty()) {
                paragraphs.add(paragraph);
            }
            current.setLength(0);
        }
    }
}
