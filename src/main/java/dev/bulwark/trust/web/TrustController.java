package dev.bulwark.trust.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.ai.AiAssurance;
import dev.bulwark.access.Public;
import dev.bulwark.access.SignedIn;
import dev.bulwark.audit.AuditSignatures;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.ConflictException;
import dev.bulwark.shared.ForbiddenException;
import dev.bulwark.trust.TrustProperties;
import dev.bulwark.trust.internal.TrustRunner;
import dev.bulwark.web.PageNonce;
import dev.bulwark.web.SecurityTxtProperties;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * The trust center (docs/api.md): the page, the same as JSON, a bundle of it signed with the audit checkpoint key,
 * all three with public evidence only; and, for the platform's operators, the full evidence and a run on demand.
 */
@RestController
class TrustController {

    static final String EVIDENCE_CONTEXT = "bulwark.trust-evidence.v1";

    record Trust(List<TrustRunner.ControlView> controls, Instant generatedAt) {
    }

    /** The operators' view: every check's full evidence, and the sweeps' open findings by organisation and row. */
    record OperatorTrust(List<TrustRunner.ControlView> controls, List<Map<String, Object>> findings, Instant generatedAt) {
    }

    /** The evidence: {@code payload} is the base64 of the JSON signed; the signature covers the context line and it. */
    record Evidence(String context, String payload, String signature, String verifierKey) {
    }

    private final TrustRunner runner;
    private final TrustProperties properties;
    private final AuditSignatures signatures;
    private final ObjectMapper json;
    private final AiAssurance ai;
    private final TrustTemplates templates;
    private final SecurityTxtProperties securityTxt;

    TrustController(TrustRunner runner, TrustProperties properties, AuditSignatures signatures, ObjectMapper json, AiAssurance ai,
                    TrustTemplates templates, SecurityTxtProperties securityTxt) {
        this.ai = ai;
        this.templates = templates;
        this.securityTxt = securityTxt;
        this.runner = runner;
        this.properties = properties;
        this.signatures = signatures;
        this.json = json;
    }

    @Operation(summary = "The trust center: every control and its latest check", operationId = "trust.status")
    @GetMapping("/api/v1/trust")
    @Public
    Trust trust() {
        return new Trust(runner.view(), Instant.now());
    }

    /** The public page: claims, their status and when they were checked; no evidence (docs/trust-center.md). */
    @Operation(summary = "The trust page (HTML)")
    @GetMapping(value = "/trust", produces = MediaType.TEXT_HTML_VALUE)
    @Public
    ResponseEntity<String> page(HttpServletRequest request) {
        Instant now = Instant.now();
        return html(templates.render("trust", TrustPage.model(runner.view(), properties, securityTxt.contact(), ai.providers(),
                PageNonce.of(request), now, false, List.of())));
    }

    /**
     * The operators' page: the same with every check's evidence, the operator-only part included, and the sweeps' open
     * findings. A signed-in platform operator only (a browser session's cookie or a bearer token); anyone else 401/403.
     */
    @Operation(summary = "The operators' trust page, with every check's evidence (HTML)")
    @GetMapping(value = "/trust/operator", produces = MediaType.TEXT_HTML_VALUE)
    @SignedIn
    ResponseEntity<String> operatorPage(@AuthenticationPrincipal Jwt jwt, HttpServletRequest request) {
        requireOperator(jwt);
        Instant now = Instant.now();
        return html(templates.render("trust", TrustPage.model(runner.operatorView(), properties, securityTxt.contact(), ai.providers(),
                PageNonce.of(request), now, true, runner.openFindings())));
    }

    private static ResponseEntity<String> html(String body) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/html;charset=utf-8")).body(body);
    }

    @Operation(summary = "The evidence behind the trust center's checks")
    @GetMapping("/api/v1/trust/evidence")
    @Public
    Evidence evidence() {
        byte[] payload = json.writeValueAsString(Map.of("format", "bulwark-trust-evidence-v1", "generatedAt", Instant.now().toString(),
                "controls", runner.view())).getBytes(StandardCharsets.UTF_8);
        return new Evidence(EVIDENCE_CONTEXT, Base64.getEncoder().encodeToString(payload),
                Base64.getEncoder().encodeToString(signatures.sign(EVIDENCE_CONTEXT, payload)), signatures.verifierKey());
    }

    /** The full evidence: how many organisations, how the root key is held, open findings by organisation. */
    @Operation(summary = "The operator's view of the trust checks")
    @GetMapping("/api/v1/trust/operator")
    @SignedIn
    OperatorTrust operator(@AuthenticationPrincipal Jwt jwt) {
        requireOperator(jwt);
        return new OperatorTrust(runner.operatorView(), runner.openFindings(), Instant.now());
    }

    @Operation(summary = "Run the trust checks now", operationId = "trust.runChecks")
    @PostMapping("/api/v1/trust/run")
    @Audited(none = "runs read-only checks of the platform; their stored results are the record")
    @SignedIn
    OperatorTrust run(@AuthenticationPrincipal Jwt jwt) {
        requireOperator(jwt);
        if (runner.runAll(Duration.ofSeconds(30)).isEmpty()) {
            throw new ConflictException("A run of the checks is under way and did not end within 30 seconds; its results will show"
                    + " on the trust page when it does.");
        }
        return operator(jwt);
    }

    /** A signed-in person named in {@code bulwark.trust.operators}; anyone else is refused, 403. */
    private void requireOperator(Jwt jwt) {
        if (!properties.operators().contains(UUID.fromString(jwt.getSubject()))) {
            throw new ForbiddenException("Only the platform's operators may do this.");
        }
    }
}
