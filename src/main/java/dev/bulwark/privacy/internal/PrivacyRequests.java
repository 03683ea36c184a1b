package dev.bulwark.privacy.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.Actor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditReader;
import dev.bulwark.audit.AuditRecord;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.tenancy.TenantScope;
import dev.bulwark.web.LongAnswers;
import dev.bulwark.workspace.DataSubjects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

/**
 * The data subject's rights (docs/privacy.md), OWNER only, with step-up: access (GDPR Art. 15) — every contact with
 * the email, their interactions and the audit events about them, as JSON or a ZIP of JSON and CSV — and erasure
 * (Art. 17) in one transaction: the workspace records pseudonymised and emptied, the personal data of the audit
 * events about them redacted (the chain still verifies), the email's blind index gone, and a keyed record that the
 * address was erased. Each request is audited without the address or the erased values.
 */
@Service
public class PrivacyRequests {

    /**
     * The details of {@code privacy.access.exported} and {@code privacy.erasure.completed}: how many contacts,
     * interactions and audit events were returned or erased, and whether the subject had already been erased.
     */
    static final String CONTACTS = "contacts";
    static final String INTERACTIONS = "interactions";
    static final String AUDIT_EVENTS = "auditEvents";
    static final String ALREADY_ERASED = "alreadyErased";

    /** The subject of a request. */
    public record Subject(String email) {
    }

    /** What an access request returns (docs/api.md). */
    public record Access(Subject subject, List<DataSubjects.ContactRecord> contacts, List<DataSubjects.InteractionRecord> interactions,
                         List<AuditRecord> auditEvents, Instant generatedAt) {
    }

    /** What an erasure changed (docs/api.md's counts), and, when nothing was left to erase, since when it was erased. */
    public record Erasure(int contacts, int interactions, int auditEvents, Instant alreadyErasedAt, String detail) {
    }

    private final DataSubjects subjects;
    private final AuditReader auditReader;
    private final AuditLog audit;
    private final RecentFactor recentFactor;
    private final TransactionTemplate transactions;
    private final TenantScope tenantScope;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final LongAnswers longAnswers;

    PrivacyRequests(DataSubjects subjects, AuditReader auditReader, AuditLog audit, RecentFactor recentFactor,
                    TransactionTemplate transactions, TenantScope tenantScope, JdbcClient jdbc, ObjectMapper json,
                    LongAnswers longAnswers) {
        this.subjects = subjects;
        this.auditReader = auditReader;
        this.audit = audit;
        this.recentFactor = recentFactor;
        this.transactions = transactions;
        this.tenantScope = tenantScope;
        this.jdbc = jdbc;
        this.json = json;
        this.longAnswers = longAnswers;
    }

    /**
     * The access request's answer, JSON or (with {@code zip}) a ZIP: read, recorded ({@code privacy.access.exported},
     * the counts) and written to a spool file in one transaction, then streamed from the file with no database
     * connection held ({@link LongAnswers}; 429 past the organisation's limit of long answers).
     */
    public StreamingResponseBody access(Caller caller, String email, boolean zip) {
        recentFactor.require(caller);
        return longAnswers.answer(caller.orgId(), out -> transactions.executeWithoutResult(s -> {
            Access access = collect(caller, email);
            try {
                if (zip) {
                    writeZip(caller, access, out);
                } else {
                    json.writeValue(out, access);
                }
                out.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    private Access collect(Caller caller, String email) {
        DataSubjects.Records records = subjects.collect(caller.orgId(), email);
        List<AuditRecord> events = auditReader.about(caller.orgId(), records.entityIds());
        audit.callerAction(caller, AuditType.PRIVACY_ACCESS_EXPORTED, Entity.organisation(caller.orgId()), Map.of(CONTACTS,
                records.contacts().size(), INTERACTIONS, records.interactions().size(), AUDIT_EVENTS, events.size()));
        return new Access(new Subject(email), records.contacts(), records.interactions(), events,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** The same answer as a ZIP: {@code access.json}, a CSV per kind of record, and a manifest. */
    private void writeZip(Caller caller, Access access, java.io.OutputStream out) throws java.io.IOException {
        try (ZipDocument zip = new ZipDocument(out, json)) {
            zip.json("access.json", access);
            zip.csv("contacts.csv", List.of("id", "name", "email", "phone", "notes", "version", "createdAt", "updatedAt"),
                    rows -> access.contacts().forEach(c -> rows.accept(List.of(c.id(), nn(c.name()), nn(c.email()), nn(c.phone()),
                            nn(c.notes()), c.version(), c.createdAt(), c.updatedAt()))));
            zip.csv("interactions.csv", List.of("id", "contactId", "channel", "subject", "body", "occurredAt", "version",
                            "createdAt", "updatedAt"),
                    rows -> access.interactions().forEach(i -> rows.accept(List.of(i.id(), i.contactId(), i.channel(), nn(i.subject()),
                            nn(i.body()), i.occurredAt(), i.version(), i.createdAt(), i.updatedAt()))));
            zip.csv("audit-events.csv", List.of("seq", "id", "occurredAt", "type", "actorType", "actorId", "entityType", "entityId",
                            "before", "after", "redactedAt"),
                    rows -> access.auditEvents().forEach(e -> rows.accept(List.of(e.seq(), e.id(), e.occurredAt(), e.type(),
                            e.actor().type(), nn(e.actor().id()), nn(e.entity().type()), nn(e.entity().id()),
                            e.before() == null ? "" : e.before().toString(), e.after() == null ? "" : e.after().toString(),
                            nn(e.redactedAt())))));
            zip.finish(Map.of("format", "bulwark-access-request-v1", "organisationId", caller.orgId().toString(),
                    "generatedAt", access.generatedAt().toString()));
        }
    }

    public Erasure erase(Caller caller, String email) {
        recentFactor.require(caller);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID org = caller.orgId();
        return transactions.execute(s -> tenantScope.inTenant(org, caller.userId(), () -> {
            byte[] subjectIndex = subjects.subjectIndex(org, email);
            DataSubjects.Erased erased = subjects.erase(org, email, now);
            List<String> entityIds = new ArrayList<>();
            erased.contactIds().forEach(id -> entityIds.add(id.toString()));
            erased.interactionIds().forEach(id -> entityIds.add(id.toString()));
            List<UUID> eventIds = auditReader.about(org, entityIds).stream()
                    .filter(e -> e.before() != null || e.after() != null)
                    .map(AuditRecord::id)
                    .toList();
            int redacted = audit.redact(org, eventIds, Actor.of(caller));
            Instant earlier = null;
            if (erased.contactIds().isEmpty()) {
                earlier = jdbc.sql("SELECT erased_at FROM erasures WHERE tenant_id = :org AND subject_index = :index")
                        .param("org", org)
                        .param("index", subjectIndex)
                        .query((rs, n) -> rs.getTimestamp(1).toInstant())
                        .optional()
                        .orElse(null);
            } else {
                jdbc.sql("""
                                INSERT INTO erasures (tenant_id, subject_index, erased_at) VALUES (:org, :index, :now)
                                ON CONFLICT (tenant_id, subject_index) DO NOTHING
                                """)
                        .param("org", org)
                        .param("index", subjectIndex)
                        .param("now", Timestamp.from(now))
                        .update();
            }
            String detail = !erased.contactIds().isEmpty() ? "Erased."
                    : earlier != null ? "Nothing left to erase: this address was already erased."
                    : "Nothing to erase: no record holds this address.";
            audit.callerAction(caller, AuditType.PRIVACY_ERASURE_COMPLETED, Entity.organisation(org), Map.of(CONTACTS, erased.contactIds().size(),
                    INTERACTIONS, erased.interactionIds().size(), AUDIT_EVENTS, redacted,
                    ALREADY_ERASED, earlier != null));
            return new Erasure(erased.contactIds().size(), erased.interactionIds().size(), redacted, earlier, detail);
        }));
    }

    private static Object nn(Object value) {
        return value == null ? "" : value;
    }
}
