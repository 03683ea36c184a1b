package dev.bulwark.audit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.bulwark.audit.AuditType;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The events the current HTTP request got committed, noted after each commit (an event rolled back with its action
 * is never noted): what {@code AuditDeclarationCheck} compares with the endpoint's {@code @Audited} declaration.
 */
public final class CommittedEvents {

    /** One committed event, as much as the check needs. */
    public record Committed(UUID tenant, AuditType type, String actorType, UUID actorId, String ip, String requestId) {
    }

    private static final String ATTRIBUTE = CommittedEvents.class.getName();

    private CommittedEvents() {
    }

    /** Notes {@code event} for the current request once the transaction that appended it commits. */
    public static void noteOnCommit(Committed event) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request == null) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            of(request).add(event);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                of(request).add(event);
            }
        });
    }

    @SuppressWarnings("unchecked")
    public static List<Committed> of(RequestAttributes request) {
        Object list = request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (list == null) {
            list = new ArrayList<Committed>();
            request.setAttribute(ATTRIBUTE, list, RequestAttributes.SCOPE_REQUEST);
        }
        return (List<Committed>) list;
    }
}
