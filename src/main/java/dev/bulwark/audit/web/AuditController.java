package dev.bulwark.audit.web;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditRecord;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.audit.Verification;
import dev.bulwark.audit.internal.AuditQueries;
import dev.bulwark.audit.internal.ChainVerifier;
import dev.bulwark.shared.InvalidInputException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.tenancy.Permission;
import dev.bulwark.web.LongAnswers;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

/**
 * An organisation's audit log (docs/api.md): query, verify, export; READ_AUDIT (ADMIN, OWNER, AUDITOR). Reading,
 * verifying and exporting the log are themselves recorded in it.
 */
@RestController
class AuditController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    /** The details of {@code audit.read}: the query's filters as asked, and how many events it returned. */
    static final String TYPE = "type";
    static final String ACTOR_ID = "actorId";
    static final String ENTITY_ID = "entityId";
    static final String FROM = "from";
    static final String TO = "to";
    static final String RETURNED = "returned";
    /** The details of {@code audit.verified}: whether the chain verified, and how many events were checked. */
    static final String VALID = "valid";
    static final String CHECKED = "checked";
    /** The detail of {@code audit.exported}: the export's format. */
    static final String FORMAT = "format";

    private final AuditQueries queries;
    private final ChainVerifier verifier;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final LongAnswers longAnswers;
    private final TransactionTemplate transactions;

    AuditController(AuditQueries queries, ChainVerifier verifier, AuditLog audit, ObjectMapper json, LongAnswers longAnswers,
                    TransactionTemplate transactions) {
        this.queries = queries;
        this.verifier = verifier;
        this.audit = audit;
        this.json = json;
        this.longAnswers = longAnswers;
        this.transactions = transactions;
    }

    @Operation(summary = "Audit events of the organisation, filtered")
    @GetMapping("/api/v1/orgs/{orgId}/audit")
    @Requires(Permission.READ_AUDIT)
    Page<AuditRecord> query(Caller caller, @RequestParam(required = false) String type,
                            @RequestParam(required = false) UUID actorId, @RequestParam(required = false) String entityId,
                            @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        AuditType known = null;
        if (type != null) {
            known = AuditType.find(type);
            if (known == null) {
                throw new InvalidInputException("type", "is not an event type (docs/audit-events.md lists them)");
            }
        }
        if (entityId != null && (entityId.isEmpty() || entityId.length() > 64)) {
            throw new InvalidInputException("entityId", "must be 1 to 64 characters");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidInputException("to", "must be after from");
        }
        PageRequest page = PageRequest.of(limit, cursor);
        Page<AuditRecord> result = queries.page(caller.orgId(), new AuditQueries.Filter(known, actorId, entityId, from, to), page);
        Map<String, Object> asked = new LinkedHashMap<>();
        asked.put(TYPE, type);
        asked.put(ACTOR_ID, actorId);
        asked.put(ENTITY_ID, entityId);
        asked.put(FROM, from);
        asked.put(TO, to);
        asked.put(RETURNED, result.items().size());
        record(caller, AuditType.AUDIT_READ, asked);
        return result;
    }

    @Operation(summary = "Verify the organisation's audit chain")
    @GetMapping("/api/v1/orgs/{orgId}/audit/verify")
    @Requires(Permission.READ_AUDIT)
    Verification verify(Caller caller) {
        Verification v = verifier.verify(caller.orgId());
        record(caller, AuditType.AUDIT_VERIFIED, Map.of(VALID, v.valid(), CHECKED, v.checked()));
        return v;
    }

    /**
     * Every event, oldest first, one JSON object a line: enough to re-verify the chain with no database. Recorded
     * ({@code audit.exported}, first, so the head lock freezes the chain while it is read and the export ends with its
     * own event) and written to a spool file in one transaction, then streamed with no connection held
     * ({@link LongAnswers}; 429 past the organisation's limit of long answers).
     */
    @Operation(summary = "Export the organisation's audit events")
    @ApiResponse(responseCode = "200", description = "Every event, oldest first: one JSON object (an AuditRecord) a line.",
            content = @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")))
    @GetMapping("/api/v1/orgs/{orgId}/audit/export")
    @Requires(Permission.READ_AUDIT)
    ResponseEntity<StreamingResponseBody> export(Caller caller) {
        UUID tenant = caller.orgId();
        StreamingResponseBody body = longAnswers.answer(tenant, out -> transactions.executeWithoutResult(s -> {
            record(caller, AuditType.AUDIT_EXPORTED, Map.of(FORMAT, "ndjson"));
            try (BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                queries.each(tenant, event -> {
                    try {
                        writer.write(json.writeValueAsString(event));
                        writer.write('\n');
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        return ResponseEntity.ok().contentType(NDJSON)
                .header("Content-Disposition", "attachment; filename=\"audit-" + tenant + ".ndjson\"")
                .body(body);
    }

    private void record(Caller caller, AuditType type, Map<String, ?> facts) {
        audit.callerAction(caller, type, Entity.organisation(caller.orgId()), facts);
    }
}
