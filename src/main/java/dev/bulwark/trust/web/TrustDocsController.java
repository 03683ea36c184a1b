package dev.bulwark.trust.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.bulwark.access.Public;
import dev.bulwark.shared.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The project's docs as they were built into this version ({@code docs/*.md}, packaged under {@code bulwark-docs/}),
 * so the trust page links to how each control is built and tested. A name is letters, digits and hyphens only: it can
 * never leave that folder.
 */
@RestController
class TrustDocsController {

    static final MediaType MARKDOWN = MediaType.parseMediaType("text/markdown; charset=utf-8");

    @Operation(summary = "A documentation page that the trust page links to")
    @GetMapping("/trust/docs/{name}")
    @Public
    ResponseEntity<String> doc(@PathVariable String name) {
        if (!name.matches("[a-z0-9-]{1,40}")) {
            throw new NotFoundException("No such document.");
        }
        try (InputStream in = TrustDocsController.class.getResourceAsStream("/bulwark-docs/" + name + ".md")) {
            if (in == null) {
                throw new NotFoundException("No such document.");
            }
            return ResponseEntity.ok().contentType(MARKDOWN).body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
