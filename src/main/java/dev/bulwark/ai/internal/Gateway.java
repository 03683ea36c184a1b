package dev.bulwark.ai.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.ai.AiProperties;
import dev.bulwark.ai.sanitiser.KnownPeople;
import dev.bulwark.ai.sanitiser.Sanitiser;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.egress.Egress;
import dev.bulwark.egress.EgressFailure;
import dev.bulwark.shared.Ids;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.workspace.WorkspaceReferences;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The AI gateway (docs/ai-gateway.md): the one path of an AI call from a product on Bulwark to a provider. In order:
 * <ol>
 *   <li>input: the provider and model must be configured ones, the prompt within {@code max-prompt-bytes} (413), the
 *       context references records of the organisation (404); bad input is answered before the gateway and records
 *       nothing;</li>
 *   <li>policy, in one short transaction: AI enabled for the organisation, the provider in its list, the provider's
 *       region in its regions, a key (the organisation's own, else the platform's). A refusal is recorded (one usage
 *       record, one {@code ai.completion} event) in that transaction, and answered after it commits;</li>
 *   <li>sanitising, outside any transaction: every message's content through one sanitiser session, so the provider
 *       receives only placeholders for secrets, cards, IBANs, emails, phones and the organisation's contacts' names. A
 *       failure refuses the call (503) and nothing is sent;</li>
 *   <li>the provider, through {@link Egress} only, with the provider's timeout; a failure, a timeout, a status other
 *       than 2xx or an answer that does not parse is a 502;</li>
 *   <li>restoration: personal placeholders in the output are put back (never secrets, cards or IBANs), piece by piece
 *       for a streamed answer, so a placeholder split across pieces is restored whole;</li>
 *   <li>the receipt: one usage record and one {@code ai.completion} event in one transaction, with hashes, counts and
 *       times, never the prompt or the output; only then is a whole answer given, or a streamed one's last event
 *       ({@code done}) written: a streamed answer's pieces go to the client as they are restored.</li>
 * </ol>
 * No database connection is held while the provider works. Neither prompts nor outputs are logged or stored.
 */
@Service
public class Gateway {

    /** What the gateway stamps on every output it returns. */
    public static final String LABEL = "ai-generated";

    /** The outcomes of a call that reached the gateway. */
    static final String ANSWERED = "answered";
    static final String REFUSED = "refused";
    static final String FAILED = "failed";

    /** The problem types of the gateway's refusals and failures (docs/api.md). */
    static final String AI_DISABLED = "ai-disabled";
    static final String NOT_ALLOWED = "ai-provider-not-allowed";
    static final String REGION_NOT_ALLOWED = "ai-region-not-allowed";
    static final String NOT_CONFIGURED = "ai-provider-not-configured";
    static final String SANITISER_FAILED = "ai-sanitiser-failed";
    static final String PROVIDER_FAILED = "ai-provider-failed";
    /** Recorded only: a streamed answer whose client went away before it was complete. */
    static final String CLIENT_GONE = "ai-client-disconnected";

    /** The details of {@code ai.completion} (docs/audit-events.md): never the prompt or the output. */
    static final String PROVIDER = "provider";
    static final String MODEL = "model";
    static final String REGION = "region";
    static final String PURPOSE = "purpose";
    static final String PROMPT_SHA256 = "promptSha256";
    static final String OUTPUT_SHA256 = "outputSha256";
    static final String CONTEXT_REFS = "contextRefs";
    static final String LATENCY_MS = "latencyMs";
    static final String OVERHEAD_MS = "overheadMs";
    static final String INPUT_TOKENS = "inputTokens";
    static final String OUTPUT_TOKENS = "outputTokens";
    static final String COST_USD = "costUsd";
    static final String OUTCOME = "outcome";
    static final String PROBLEM = "problem";
    static final String STREAMED = "streamed";

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** One message as the caller sent it. */
    public record Message(String role, String content) {

        @Override
        public String toString() {
            return "Message[" + role + "]"; // never the content
        }
    }

    /** One call. {@code contextRefs} are recorded, never loaded into the prompt. */
    public record Request(String provider, String model, List<Message> messages, String purpose,
                          List<WorkspaceReferences.Ref> contextRefs, boolean stream) {

        public Request {
            messages = List.copyOf(messages);
            contextRefs = contextRefs == null ? List.of() : List.copyOf(contextRefs);
        }

        @Override
        public String toString() {
            return "Request[" + provider + "/" + model + ", " + messages.size() + " messages]";
        }
    }

    /** Where an answer came from and what it cost: hashes, counts and times, never text. */
    public record Provenance(String provider, String model, String region, String promptSha256, String outputSha256,
                             List<Map<String, String>> contextRefs, BigDecimal latencyMs, BigDecimal overheadMs,
                             Integer inputTokens, Integer outputTokens, BigDecimal costUsd) {
    }

    /**
     * An answered call: the output with personal placeholders restored, and for a streamed call the same output in the
     * pieces it came in (each restored, a placeholder never split).
     */
    public record Completion(UUID id, String output, List<String> pieces, Map<String, Integer> redactions,
                             Provenance provenance) {

        @Override
        public String toString() {
            return "Completion[" + id + "]";
        }
    }

    private final Providers providers;
    private final AiPolicies policies;
    private final ProviderKeys keys;
    private final KnownPeopleCache knownPeople;
    private final Sanitiser sanitiser;
    private final Egress egress;
    private final WorkspaceReferences workspace;
    private final UsageRecords usage;
    private final AuditLog audit;
    private final TenantScope tenantScope;
    private final AiProperties properties;
    private final Clock clock;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    Gateway(Providers providers, AiPolicies policies, ProviderKeys keys, KnownPeopleCache knownPeople, Sanitiser sanitiser,
            Egress egress, WorkspaceReferences workspace, UsageRecords usage, AuditLog audit, TenantScope tenantScope,
            AiProperties properties, ObjectProvider<Clock> clock, MeterRegistry meters) {
        this.meters = meters;
        this.providers = providers;
        this.policies = policies;
        this.keys = keys;
        this.knownPeople = knownPeople;
        this.sanitiser = sanitiser;
        this.egress = egress;
        this.workspace = workspace;
        this.usage = usage;
        this.audit = audit;
        this.tenantScope = tenantScope;
        this.properties = properties;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /**
     * Starts one call for {@code caller}: input, policy, sanitising, and the provider's status and header. Answers the
     * started call, or a problem (after its receipt is committed when the call reached the gateway). Must run outside
     * a transaction: no connection is held while the provider works.
     */
    public Started start(Caller caller, Request request) {
        long start = System.nanoTime();
        AiProperties.Provider provider = providers.find(request.provider())
                .orElseThrow(() -> new InvalidInputException("provider", "is not a provider this installation offers"));
        if (!provider.models().contains(request.model())) {
            throw new InvalidInputException("model", "is not a model of provider " + request.provider());
        }
        checkSize(request);
        UUID org = caller.orgId();
        Receipt receipt = new Receipt(caller, Ids.newId(), clock.instant().truncatedTo(ChronoUnit.MICROS), request, provider, start);

        // The context references, when there are any, in a short transaction of their own; then the policy and the
        // organisation's key in one statement (one round trip). A refusal's receipt commits in a transaction of its own.
        if (!request.contextRefs().isEmpty()) {
            List<WorkspaceReferences.Ref> missing = workspace.missing(org, request.contextRefs());
            if (!missing.isEmpty()) {
                throw new NotFoundException("contextRefs names no " + missing.getFirst().type() + " " + missing.getFirst().id()
                        + " in this organisation.");
            }
        }
        AiPolicies.Admission admitted = policies.admission(org, request.provider());
        RefusedException refusal = refusal(admitted.policy(), request.provider(), provider);
        String apiKey = null;
        if (refusal == null) {
            apiKey = keys.open(org, admitted.keyId(), admitted.sealedKey()).orElse(provider.apiKey());
            if (apiKey == null) {
                refusal = new RefusedException(409, NOT_CONFIGURED, "AI provider not configured",
                        "Provider " + request.provider() + " has no key: neither the platform's nor one of this organisation.");
            }
        }
        if (refusal != null) {
            RefusedException refused = refusal;
            receipt.commit(REFUSED, refused.slug());
            throw refused;
        }

        // Sanitising: nothing leaves unless every message went through the session.
        Sanitiser.Session session;
        List<WireFormat.Message> sanitised = new ArrayList<>(request.messages().size());
        Map<String, Integer> redactions;
        try {
            KnownPeople people = knownPeople.of(org);
            session = sanitiser.begin(people, null);
            for (Message message : request.messages()) {
                sanitised.add(new WireFormat.Message(message.role(), session.sanitise(message.content())));
            }
            redactions = Map.copyOf(session.redactions());
        } catch (RuntimeException e) {
            // Fail closed, whatever broke. The exception's message is not logged: it is no place for content.
            log.warn("The sanitiser failed ({}); call {} refused, nothing sent", e.getClass().getSimpleName(), receipt.id);
            throw receipt.fail(SANITISER_FAILED, 503, "AI sanitiser failed",
                    "The prompt could not be sanitised, so nothing was sent to the provider.");
        }

        WireFormat format = providers.format(provider);
        Egress.Call call = format.call(provider, apiKey, request.model(), sanitised, request.stream());
        receipt.promptSha256 = sha256(call.body());
        long sent = System.nanoTime();
        Egress.Streamed answer;
        try {
            answer = egress.open(call);
        } catch (EgressFailure e) {
            receipt.providerNanos = System.nanoTime() - sent;
            throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider gave no complete answer (" + e.reason() + ").");
        } catch (RuntimeException e) {
            // Egress refused the destination (its address is not allowed: the operator's configuration), or broke.
            receipt.providerNanos = System.nanoTime() - sent;
            log.warn("Calling provider {} failed ({})", request.provider(), e.getClass().getSimpleName());
            throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "Bulwark could not call the provider.");
        }
        if (answer.status() < 200 || answer.status() > 299) {
            answer.close();
            receipt.providerNanos = System.nanoTime() - sent;
            throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider answered with status " + answer.status() + ".");
        }
        return new Started(receipt, session, redactions, provider, format, answer, sent);
    }

    /**
     * Runs one call that is not streamed for {@code caller}: answered, or a problem (after its receipt is committed when
     * the call reached the gateway). Must run outside a transaction: no connection is held while the provider works.
     */
    public Completion complete(Caller caller, Request request) {
        Started started = start(caller, request);
        if (request.stream()) {
            List<String> pieces = new ArrayList<>();
            Provenance provenance = started.relay(pieces::add);
            return new Completion(started.id(), String.join("", pieces), List.copyOf(pieces), started.redactions(), provenance);
        }
        return started.whole();
    }

    /** Receives each restored piece of a streamed answer as it is ready; an {@link IOException} ends the call. */
    @FunctionalInterface
    public interface Sink {
        void piece(String restored) throws IOException;
    }

    /** The client went away while a streamed answer was relayed to it. */
    private static final class SinkFailed extends RuntimeException {

        SinkFailed(IOException cause) {
            super(null, cause, false, false);
        }
    }

    /**
     * A call the provider has begun to answer (status 2xx): its receipt is not written yet. {@link #relay} or
     * {@link #whole} reads the answer, restores it, writes the receipt, and closes the connection.
     */
    public final class Started {

        private final Receipt receipt;
        private final Sanitiser.Session session;
        private final Map<String, Integer> redactions;
        private final AiProperties.Provider provider;
        private final WireFormat format;
        private final Egress.Streamed answer;
        private final long sent;

        private Started(Receipt receipt, Sanitiser.Session session, Map<String, Integer> redactions,
                        AiProperties.Provider provider, WireFormat format, Egress.Streamed answer, long sent) {
            this.receipt = receipt;
            this.session = session;
            this.redactions = redactions;
            this.provider = provider;
            this.format = format;
            this.answer = answer;
            this.sent = sent;
        }

        /** The completion's id: its usage record's. */
        public UUID id() {
            return receipt.id;
        }

        /** What the sanitiser replaced in the prompt, counted by kind. */
        public Map<String, Integer> redactions() {
            return redactions;
        }

        /** The provider's timeout: the longest the call may still take. */
        public java.time.Duration timeout() {
            return provider.timeout();
        }

        /** Reads an answer that is not streamed whole, then restores it. */
        Completion whole() {
            byte[] body;
            try (answer) {
                body = answer.body().readAllBytes();
            } catch (EgressFailure e) {
                receipt.providerNanos = System.nanoTime() - sent;
                throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider gave no complete answer (" + e.reason() + ").");
            } catch (IOException e) {
                receipt.providerNanos = System.nanoTime() - sent;
                throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider gave no complete answer (reset).");
            }
            receipt.providerNanos = System.nanoTime() - sent;
            StringBuilder raw = new StringBuilder();
            WireFormat.Usage tokens;
            String output;
            try {
                tokens = format.read(new ByteArrayInputStream(body), false, raw::append);
                output = session.restore(raw.toString());
            } catch (WireFormat.InvalidAnswer e) {
                throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider's answer was not valid: " + e.getMessage() + ".");
            } catch (RuntimeException e) {
                log.warn("Restoring an answer failed ({}); call {} failed", e.getClass().getSimpleName(), receipt.id);
                throw receipt.fail(SANITISER_FAILED, 503, "AI sanitiser failed", "The answer could not be restored, so it is not given.");
            }
            Provenance provenance = answered(raw, tokens);
            return new Completion(receipt.id, output, List.of(output), redactions, provenance);
        }

        /**
         * Reads the provider's stream as it arrives: each text piece goes through the session's restorer (a
         * placeholder split across pieces is held back until it is whole) and each restored piece to {@code sink} at
         * once. At the end the receipt is written and the provenance returned. A failure of the provider (a read
         * failure, the timeout, the cap, an answer that does not parse, an error event, no end marker) writes a failed
         * receipt and throws the 502 problem; a failure of the restorer the 503; a failure of {@code sink} (the client
         * went away) a failed receipt ({@code ai-client-disconnected}) and the problem.
         */
        public Provenance relay(Sink sink) {
            StringBuilder raw = new StringBuilder();
            WireFormat.Usage tokens;
            try (answer) {
                Sanitiser.Restorer restorer = session.restorer();
                tokens = format.read(answer.body(), true, delta -> {
                    raw.append(delta);
                    String restored = restorer.feed(delta);
                    if (!restored.isEmpty()) {
                        emit(sink, restored);
                    }
                });
                String rest = restorer.finish();
                if (!rest.isEmpty()) {
                    emit(sink, rest);
                }
            } catch (EgressFailure e) {
                receipt.providerNanos = System.nanoTime() - sent;
                throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider gave no complete answer (" + e.reason() + ").");
            } catch (WireFormat.InvalidAnswer e) {
                receipt.providerNanos = System.nanoTime() - sent;
                throw receipt.fail(PROVIDER_FAILED, 502, "AI provider failed", "The provider's answer was not valid: " + e.getMessage() + ".");
            } catch (SinkFailed e) {
                receipt.providerNanos = System.nanoTime() - sent;
                throw receipt.fail(CLIENT_GONE, 499, "Client disconnected", "The client went away before the answer was complete.");
            } catch (RuntimeException e) {
                receipt.providerNanos = System.nanoTime() - sent;
                log.warn("Restoring an answer failed ({}); call {} failed", e.getClass().getSimpleName(), receipt.id);
                throw receipt.fail(SANITISER_FAILED, 503, "AI sanitiser failed", "The answer could not be restored, so the rest is not given.");
            }
            receipt.providerNanos = System.nanoTime() - sent;
            return answered(raw, tokens);
        }

        private static void emit(Sink sink, String piece) {
            try {
                sink.piece(piece);
            } catch (IOException e) {
                throw new SinkFailed(e);
            }
        }

        private Provenance answered(StringBuilder raw, WireFormat.Usage tokens) {
            receipt.outputSha256 = sha256(raw.toString().getBytes(StandardCharsets.UTF_8));
            receipt.inputTokens = tokens.inputTokens();
            receipt.outputTokens = tokens.outputTokens();
            receipt.costUsd = cost(provider, tokens);
            return receipt.commit(ANSWERED, null);
        }
    }

    /** 413 when the messages' contents together pass {@code bulwark.ai.max-prompt-bytes}, or there are too many. */
    private void checkSize(Request request) {
        if (request.messages().size() > properties.maxMessages()) {
            throw new InvalidInputException("messages", "must be at most " + properties.maxMessages());
        }
        long max = properties.maxPromptBytes().toBytes();
        long chars = 0;
        for (Message message : request.messages()) {
            chars += message.content().length();
        }
        if (chars * 3 <= max) {
            return; // a UTF-16 char is at most 3 bytes of UTF-8 (a pair of them 4): within the limit without counting
        }
        long bytes = 0;
        for (Message message : request.messages()) {
            bytes += utf8Length(message.content());
        }
        if (bytes > max) {
            throw new RefusedException(413, "content-too-large", "Content too large",
                    "The prompt is " + bytes + " bytes; this installation accepts at most " + max + ".");
        }
    }

    private static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    /** Why the organisation's policy refuses this provider, or null. */
    static RefusedException refusal(AiPolicies.Policy policy, String providerId, AiProperties.Provider provider) {
        if (!policy.enabled()) {
            return new RefusedException(403, AI_DISABLED, "AI disabled", "AI is not enabled for this organisation.");
        }
        if (!policy.providers().contains(providerId)) {
            return new RefusedException(403, NOT_ALLOWED, "AI provider not allowed",
                    "This organisation's AI policy does not allow provider " + providerId + ".");
        }
        if (!policy.allowsRegion(provider.region())) {
            return new RefusedException(403, REGION_NOT_ALLOWED, "AI region not allowed",
                    "Provider " + providerId + " processes data in region " + provider.region()
                            + ", which this organisation's AI policy does not allow.");
        }
        return null;
    }

    /** The cost from the configured prices; null unless both prices and both counts are known. */
    private static BigDecimal cost(AiProperties.Provider provider, WireFormat.Usage tokens) {
        if (provider.priceInputPerMtok() == null || provider.priceOutputPerMtok() == null || tokens.inputTokens() == null
                || tokens.outputTokens() == null) {
            return null;
        }
        return UsageRecords.plain(provider.priceInputPerMtok().multiply(BigDecimal.valueOf(tokens.inputTokens()))
                .add(provider.priceOutputPerMtok().multiply(BigDecimal.valueOf(tokens.outputTokens())))
                .divide(MILLION, 10, RoundingMode.HALF_UP));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Milliseconds, to the microsecond. */
    private static BigDecimal millis(long nanos) {
        return UsageRecords.plain(BigDecimal.valueOf(Math.max(0, nanos) / 1_000).movePointLeft(3));
    }

    /** One call's receipt as it takes shape, written once: refused, failed or answered. */
    private final class Receipt {

        private final Caller caller;
        private final UUID id;
        private final Instant occurredAt;
        private final Request request;
        private final AiProperties.Provider provider;
        private final long start;
        private byte[] promptSha256;
        private byte[] outputSha256;
        private long providerNanos;
        private Integer inputTokens;
        private Integer outputTokens;
        private BigDecimal costUsd;

        Receipt(Caller caller, UUID id, Instant occurredAt, Request request, AiProperties.Provider provider, long start) {
            this.caller = caller;
            this.id = id;
            this.occurredAt = occurredAt;
            this.request = request;
            this.provider = provider;
            this.start = start;
        }

        /** Records the failure in its own transaction and returns the problem to throw. */
        RefusedException fail(String problem, int status, String title, String detail) {
            commit(FAILED, problem);
            return new RefusedException(status, problem, title, detail);
        }

        /**
         * Ends the call's time, then writes the receipt in the caller's tenant-bound transaction: that transaction
         * (connection, tenant binding, writes) is not part of the call's time.
         */
        Provenance commit(String outcome, String problem) {
            long end = System.nanoTime();
            return tenantScope.inTenant(caller.orgId(), null, () -> write(outcome, problem, end - start));
        }

        /** The usage record and the {@code ai.completion} event, for a call that took {@code total} nanoseconds. */
        private Provenance write(String outcome, String problem, long total) {
            BigDecimal latency = millis(total);
            BigDecimal overhead = millis(total - providerNanos);
            List<Map<String, String>> refs = request.contextRefs().stream()
                    .map(r -> Map.of("type", r.type(), "id", r.id().toString()))
                    .toList();
            usage.insert(caller.orgId(), new UsageRecords.Row(id, occurredAt, caller.userId(), caller.apiKeyId(),
                    request.purpose(), request.provider(), request.model(), provider.region(), promptSha256, outputSha256, refs,
                    latency, overhead, inputTokens, outputTokens, costUsd, outcome, problem));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put(PROVIDER, request.provider());
            details.put(MODEL, request.model());
            details.put(REGION, provider.region());
            details.put(PURPOSE, request.purpose());
            details.put(PROMPT_SHA256, UsageRecords.hex(promptSha256));
            details.put(OUTPUT_SHA256, UsageRecords.hex(outputSha256));
            details.put(CONTEXT_REFS, refs);
            details.put(LATENCY_MS, latency.toPlainString());
            details.put(OVERHEAD_MS, overhead.toPlainString());
            details.put(INPUT_TOKENS, inputTokens);
            details.put(OUTPUT_TOKENS, outputTokens);
            details.put(COST_USD, costUsd == null ? null : costUsd.toPlainString());
            details.put(OUTCOME, outcome);
            details.put(PROBLEM, problem);
            details.put(STREAMED, request.stream());
            audit.callerAction(caller, AuditType.AI_COMPLETION, Entity.of("ai_completion", id), details);
            // Calls by provider kind and outcome, and the gateway's own time (docs/observability.md); never an org or model.
            String kind = provider.kind() == null ? "unknown" : provider.kind();
            meters.counter("bulwark.ai.calls", "kind", kind, "outcome", outcome).increment();
            meters.timer("bulwark.ai.overhead", "kind", kind)
                    .record(Math.max(0, total - providerNanos), java.util.concurrent.TimeUnit.NANOSECONDS);
            return new Provenance(request.provider(), request.model(), provider.region(), UsageRecords.hex(promptSha256),
                    UsageRecords.hex(outputSha256), refs, latency, overhead, inputTokens, outputTokens, costUsd);
        }
    }
}
