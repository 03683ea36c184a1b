package dev.bulwark.web.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.bulwark.access.Public;
import dev.bulwark.web.SecurityTxtProperties;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /.well-known/security.txt} per RFC 9116, from {@link SecurityTxtProperties}. */
@RestController
class SecurityTxtController {

    static final MediaType TEXT = MediaType.parseMediaType("text/plain; charset=utf-8");

    private final SecurityTxtProperties properties;

    SecurityTxtController(SecurityTxtProperties properties) {
        this.properties = properties;
    }

    @Operation(summary = "How to report a vulnerability (security.txt)")
    @GetMapping("/.well-known/security.txt")
    @Public
    ResponseEntity<String> securityTxt() {
        StringBuilder text = new StringBuilder();
        for (String contact : properties.contact()) {
            text.append("Contact: ").append(contact).append('\n');
        }
        text.append("Expires: ").append(Instant.now().plus(properties.expiresIn()).truncatedTo(ChronoUnit.SECONDS)).append('\n');
        text.append("Policy: ").append(properties.policy()).append('\n');
        text.append("Canonical: ").append(properties.publicUrl()).append("/.well-known/security.txt\n");
        text.append("Preferred-Languages: ").append(String.join(", ", properties.preferredLanguages())).append('\n');
        return ResponseEntity.ok().contentType(TEXT).body(text.toString());
    }
}
