package dev.bulwark.trust.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.bulwark.access.Public;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.trust.TrustProperties;
import dev.bulwark.web.PageNonce;
import jakarta.servlet.http.HttpServletRequest;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlRenderer;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The project's docs as they were built into this version ({@code docs/*.md}, packaged under {@code bulwark-docs/}),
 * rendered as HTML in the trust page's brand, so the trust page links to how each control is built and tested. A name
 * is letters, digits and hyphens only: it can never leave that folder. Raw HTML in a doc is escaped, never passed
 * through, and link targets other than http(s), mailto and relative ones are dropped (commonmark's sanitiser), so a
 * doc cannot carry a script past the page's policy or into it.
 */
@RestController
class TrustDocsController {

    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true)
            .attributeProviderFactory(context -> new DocLinks()).build();

    private final TrustTemplates templates;
    private final TrustProperties properties;

    TrustDocsController(TrustTemplates templates, TrustProperties properties) {
        this.templates = templates;
        this.properties = properties;
    }

    @Operation(summary = "A documentation page that the trust page links to")
    @GetMapping(value = "/trust/docs/{name}", produces = MediaType.TEXT_HTML_VALUE)
    @Public
    ResponseEntity<String> doc(@PathVariable String name, HttpServletRequest request) {
        if (!name.matches("[a-z0-9-]{1,40}")) {
            throw new NotFoundException("No such document.");
        }
        String markdown;
        try (InputStream in = TrustDocsController.class.getResourceAsStream("/bulwark-docs/" + name + ".md")) {
            if (in == null) {
                throw new NotFoundException("No such document.");
            }
            markdown = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Node document = PARSER.parse(markdown);
        String title = name;
        for (Node n = document.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && h.getLevel() == 1 && h.getFirstChild() instanceof Text t) {
                title = t.getLiteral();
                break;
            }
        }
        TrustProperties.Brand b = properties.brand();
        Map<String, Object> model = Map.of("brand", new TrustPage.Brand(b.productName(), b.logoUrl(), b.accentColour(), b.background(),
                b.text(), b.contact()), "nonce", PageNonce.of(request), "title", title, "body", RENDERER.render(document));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/html;charset=utf-8")).body(templates.render("trust-doc", model));
    }

    /** Renders {@code markdown} as this controller does: for tests of the escaping. */
    static String render(String markdown) {
        return RENDERER.render(PARSER.parse(markdown));
    }

    /** A link to another doc ({@code encryption.md#x}) points at its page here ({@code /trust/docs/encryption#x}). */
    private static final class DocLinks implements AttributeProvider {
        @Override
        public void setAttributes(Node node, String tagName, Map<String, String> attributes) {
            if (node instanceof Link && attributes.get("href") instanceof String href) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:\\./)?([a-z0-9-]{1,40})\\.md(#[A-Za-z0-9_-]*)?$").matcher(href);
                if (m.matches()) {
                    attributes.put("href", "/trust/docs/" + m.group(1) + (m.group(2) == null ? "" : m.group(2)));
                }
            }
        }
    }
}
