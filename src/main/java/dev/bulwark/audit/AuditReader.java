package dev.bulwark.audit;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import dev.bulwark.audit.internal.AuditQueries;
import org.springframework.stereotype.Service;

/**
 * Reading an organisation's chain from other modules, payloads decrypted: the events about given records (an access
 * request's "audit events about them"), and the whole chain (a full export). Reading records no event itself; the
 * caller records why it read.
 */
@Service
public class AuditReader {

    private final AuditQueries queries;

    AuditReader(AuditQueries queries) {
        this.queries = queries;
    }

    /** Events whose entity is one of {@code entityIds}, oldest first. */
    public List<AuditRecord> about(UUID tenant, Collection<String> entityIds) {
        return queries.about(tenant, entityIds);
    }

    /**
     * The event {@code eventId} of {@code tenant} without its data (no {@code before}/{@code after}: nothing is
     * decrypted), if its chain still holds it (retention may have purged it).
     */
    public java.util.Optional<AuditRecord> findWithoutData(UUID tenant, UUID eventId) {
        return queries.findWithoutData(tenant, eventId);
    }

    /** Every event of {@code tenant}, oldest first, inside one read transaction. */
    public void each(UUID tenant, Consumer<AuditRecord> sink) {
        queries.each(tenant, sink);
    }
}
