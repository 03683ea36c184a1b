package dev.bulwark.ai.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.ai.internal.AiPolicies;
import dev.bulwark.ai.internal.AutoSendDecisions;
import dev.bulwark.ai.internal.Gateway;
import dev.bulwark.ai.internal.ProviderKeys;
import dev.bulwark.ai.internal.ProviderListing;
import dev.bulwark.ai.internal.UsageRecords;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Audited;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.workspace.WorkspaceReferences;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.CodePointLength;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * The AI gateway's endpoints (docs/api.md, docs/ai-gateway.md): the organisation's AI policy (read by any member,
 * replaced by an OWNER or ADMIN in person with step-up), the providers and the organisation's own keys for them (an
 * OWNER in person with step-up), completions (MEMBER and above, people and keys alike) and the usage records
 * (ADMIN, OWNER, AUDITOR).
 */
@RestController
class AiController {

    static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;

    @io.swagger.v3.oas.annotations.media.Schema(name = "AiPolicyBody")
    record PolicyBody(@NotNull Boolean enabled,
                      @NotNull @Size(max = 50) List<@NotBlank @Size(max = 64) String> providers,
                      @NotNull @Size(max = 50) List<@NotBlank @Size(max = 64) String> regions,
                      @DecimalMin("0") @DecimalMax("1") @Digits(integer = 1, fraction = 3) BigDecimal autoSendThreshold) {
    }

    record PolicyView(boolean enabled, List<String> providers, List<String> regions, BigDecimal autoSendThreshold,
                      Instant updatedAt) {

        static PolicyView of(AiPolicies.Policy p) {
            return new PolicyView(p.enabled(), p.providers(), p.regions(), p.autoSendThreshold(), p.updatedAt());
        }
    }

    /** A provider key: printable ASCII without spaces (it becomes a header), 16 to 512 characters. */
    record KeyBody(@NotNull @Size(min = 16, max = 512) @Pattern(regexp = "[\\x21-\\x7e]+", message = "must be printable ASCII without spaces")
                   String apiKey) {

        @Override
        public String toString() {
            return "KeyBody[…]";
        }
    }

    record MessageBody(@NotNull @Pattern(regexp = "system|user|assistant") String role, @NotNull String content) {

        @Override
        public String toString() {
            return "MessageBody[" + role + "]";
        }
    }

    record RefBody(@NotNull @Pattern(regexp = "document|contact|interaction") String type, @NotNull UUID id) {
    }

    record CompletionBody(@NotBlank @Size(max = 64) String provider,
                          @NotBlank @Size(max = 100) String model,
                          @NotNull @Size(min = 1) List<@NotNull @Valid MessageBody> messages,
                          @NotBlank @CodePointLength(max = 100) String purpose,
                          @Size(max = 50) List<@NotNull @Valid RefBody> contextRefs,
                          Boolean stream) {

        @Override
        public String toString() {
            return "CompletionBody[" + provider + "/" + model + "]";
        }
    }

    /** A product's question before it sends an answer on its own: the answer's completion and its score. */
    record AutoSendBody(@NotNull UUID completionId,
                        @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "must be lower-case letters, digits, '.', '_' or '-'")
                        String channel,
                        @NotNull @DecimalMin("0") @DecimalMax("1") @Digits(integer = 1, fraction = 3) BigDecimal score) {
    }

    /** The answer of a completion that is not streamed. */
    record CompletionView(UUID id, String output, String label, Map<String, Integer> redactions, Gateway.Provenance provenance) {

        @Override
        public String toString() {
            return "CompletionView[" + id + "]";
        }
    }

    private final AiPolicies policies;
    private final ProviderKeys keys;
    private final ProviderListing listing;
    private final Gateway gateway;
    private final UsageRecords usage;
    private final AutoSendDecisions autoSend;
    private final ObjectMapper json;

    AiController(AiPolicies policies, ProviderKeys keys, ProviderListing listing, Gateway gateway, UsageRecords usage,
                 AutoSendDecisions autoSend, ObjectMapper json) {
        this.policies = policies;
        this.keys = keys;
        this.listing = listing;
        this.gateway = gateway;
        this.usage = usage;
        this.autoSend = autoSend;
        this.json = json;
    }

    @Operation(summary = "The organisation's AI policy")
    @GetMapping("/api/v1/orgs/{orgId}/ai/policy")
    @Requires(Permission.READ_ORGANISATION)
    PolicyView policy(Caller caller) {
        return PolicyView.of(policies.get(caller));
    }

    @Operation(summary = "Set the organisation's AI policy")
    @PutMapping("/api/v1/orgs/{orgId}/ai/policy")
    @Audited(AuditType.AI_POLICY_UPDATED)
    @Requires(value = Permission.MANAGE_AI, personOnly = true)
    PolicyView setPolicy(Caller caller, @Valid @RequestBody PolicyBody body) {
        return PolicyView.of(policies.set(caller, body.enabled(), body.providers(), body.regions(), body.autoSendThreshold()));
    }

    @Operation(summary = "The AI providers and whether the organisation has its own key for each")
    @GetMapping("/api/v1/orgs/{orgId}/ai/providers")
    @Requires(Permission.READ_ORGANISATION)
    Page<ProviderListing.ProviderView> providers(Caller caller) {
        return listing.list(caller);
    }

    @Operation(summary = "Store the organisation's own key for an AI provider", operationId = "ai.setProviderKey")
    @PutMapping("/api/v1/orgs/{orgId}/ai/providers/{providerId}/key")
    @Audited(AuditType.AI_KEY_SET)
    @Requires(value = Permission.MANAGE_AI_KEYS, personOnly = true)
    ProviderKeys.SetKey setKey(Caller caller, @PathVariable String providerId, @Valid @RequestBody KeyBody body) {
        return keys.set(caller, providerId, body.apiKey());
    }

    @Operation(summary = "Remove the organisation's own key for an AI provider", operationId = "ai.removeProviderKey")
    @DeleteMapping("/api/v1/orgs/{orgId}/ai/providers/{providerId}/key")
    @Audited(AuditType.AI_KEY_REMOVED)
    @Requires(value = Permission.MANAGE_AI_KEYS, personOnly = true)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removeKey(Caller caller, @PathVariable String providerId) {
        keys.remove(caller, providerId);
    }

    /**
     * Admitted by the request gate in a short transaction of its own; the gateway then works in transactions of its
     * own, and no connection is held while the provider works. An answer that is not streamed is complete (and its
     * receipt committed) before its first byte is written. A streamed answer is relayed as it comes: once the provider
     * has answered 2xx, the headers go out, each restored piece is written and flushed as {@code data: {"delta": …}},
     * and the stream ends with {@code event: done} and the provenance once the receipt is committed, or with
     * {@code event: error} and the problem when the provider failed in the middle.
     */
    @Operation(summary = "A completion through the AI gateway, sanitised")
    @ApiResponse(responseCode = "200", description = "The completion as one JSON object; with stream true, server-sent events "
            + "(data: {\"delta\": ...} pieces, then event: done, or event: error and a problem).",
            content = {@Content(mediaType = "application/json", schema = @Schema(implementation = AiController.CompletionView.class)),
                    @Content(mediaType = "text/event-stream", schema = @Schema(type = "string"))})
    @PostMapping("/api/v1/orgs/{orgId}/ai/completions")
    @Audited(value = AuditType.AI_COMPLETION,
            alsoOnFailure = "every call that reaches the gateway leaves its receipt: refused and failed calls too")
    @Requires(Permission.USE_AI)
    ResponseEntity<ResponseBodyEmitter> complete(Caller caller, @Valid @RequestBody CompletionBody body,
                                                  HttpServletRequest servletRequest) {
        boolean stream = Boolean.TRUE.equals(body.stream());
        Gateway.Request request = new Gateway.Request(body.provider(), body.model(),
                body.messages().stream().map(m -> new Gateway.Message(m.role(), m.content())).toList(), body.purpose(),
                body.contextRefs() == null ? List.of()
                        : body.contextRefs().stream().map(r -> new WorkspaceReferences.Ref(r.type(), r.id())).toList(),
                stream);
        if (!stream) {
            Gateway.Completion done = gateway.complete(caller, request);
            byte[] answer = json.writeValueAsBytes(new CompletionView(done.id(), done.output(), Gateway.LABEL, done.redactions(),
                    done.provenance()));
            ResponseBodyEmitter whole = new ResponseBodyEmitter();
            try {
                whole.send(answer, MediaType.APPLICATION_JSON);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            whole.complete();
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(whole);
        }
        Gateway.Started started = gateway.start(caller, request);
        // The relay runs on a thread of its own while the container holds the response open; the container's limit is
        // set past the provider's timeout, which ends every relay first.
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(started.timeout().plusSeconds(30).toMillis());
        // The receipt is appended on that thread: it carries the request's facts (address, user agent, request id) and
        // is noted as this request's event, as if written on the request's own thread.
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        Thread.ofVirtual().name("ai-stream-" + started.id()).start(() -> {
            RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(servletRequest));
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try {
                relay(started, emitter);
            } finally {
                RequestContextHolder.resetRequestAttributes();
                MDC.clear();
            }
        });
        return ResponseEntity.ok()
                .contentType(EVENT_STREAM)
                .header("Cache-Control", "no-store")
                .header("X-Accel-Buffering", "no")
                .header("Bulwark-Completion-Id", started.id().toString())
                .header("Bulwark-Label", Gateway.LABEL)
                .header("Bulwark-Redactions", redactions(started.redactions()))
                .body(emitter);
    }

    /** Writes each restored piece as it is ready (each send is flushed), then the done or the error event. */
    private void relay(Gateway.Started started, ResponseBodyEmitter emitter) {
        try {
            Gateway.Provenance provenance = started.relay(piece ->
                    emitter.send("data: " + json.writeValueAsString(Map.of("delta", piece)) + "\n\n", MediaType.TEXT_PLAIN));
            emitter.send("event: done\ndata: " + json.writeValueAsString(provenance) + "\n\n", MediaType.TEXT_PLAIN);
        } catch (RefusedException e) {
            try {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("type", "https://bulwark.dev/problems/" + e.slug());
                problem.put("title", e.title());
                problem.put("detail", e.getMessage());
                emitter.send("event: error\ndata: " + json.writeValueAsString(problem) + "\n\n", MediaType.TEXT_PLAIN);
            } catch (IOException | RuntimeException gone) {
                // the client went away: the receipt says so
            }
        } catch (IOException | RuntimeException e) {
            // the client went away after the last piece: the receipt is written
        } finally {
            emitter.complete();
        }
    }

    /** The counts by kind as a structured-field dictionary (RFC 8941), e.g. {@code card=1, email=2}; empty for none. */
    static String redactions(Map<String, Integer> counts) {
        return new java.util.TreeMap<>(counts).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Operation(summary = "The organisation's AI usage records")
    @GetMapping("/api/v1/orgs/{orgId}/ai/usage")
    @Requires(Permission.READ_AUDIT)
    Page<UsageRecords.UsageView> usage(Caller caller, @RequestParam(required = false) Instant from,
                                       @RequestParam(required = false) Instant to,
                                       @RequestParam(required = false) Integer limit,
                                       @RequestParam(required = false) String cursor) {
        return usage.list(caller, from, to, PageRequest.of(limit, cursor));
    }

    /**
     * The auto-send decision for an answered completion (MEMBER and above, people and keys alike: the products that send
     * are usually keys). Compared with the organisation's threshold; written once with its receipt.
     */
    @Operation(summary = "Decide whether an answered completion may be sent without a person reading it")
    @PostMapping("/api/v1/orgs/{orgId}/ai/auto-send-decisions")
    @Audited(AuditType.AI_AUTO_SEND_DECIDED)
    @Requires(Permission.USE_AI)
    @ResponseStatus(HttpStatus.CREATED)
    AutoSendDecisions.Decision decideAutoSend(Caller caller, @Valid @RequestBody AutoSendBody body) {
        return autoSend.decide(caller, body.completionId(), body.channel(), body.score());
    }

    @Operation(summary = "List auto-send decisions, newest first")
    @GetMapping("/api/v1/orgs/{orgId}/ai/auto-send-decisions")
    @Requires(Permission.READ_AUDIT)
    Page<AutoSendDecisions.Decision> autoSendDecisions(Caller caller, @RequestParam(required = false) Integer limit,
                                                       @RequestParam(required = false) String cursor) {
        return autoSend.list(caller, PageRequest.of(limit, cursor));
    }
}
