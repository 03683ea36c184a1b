package dev.bulwark.guests.internal;

import java.util.UUID;

import dev.bulwark.shared.NotFoundException;
import dev.bulwark.shared.Page;
import dev.bulwark.shared.PageRequest;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.workspace.SharedDocuments;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a guest session reads: its project's effective documents. Without a live session: 401 {@code
 * guest-session-required}, with no {@code WWW-Authenticate: Bearer} challenge (no bearer token would do). The session is checked in the transaction that reads,
 * so a revocation committed before it is seen and the read answers 401; a document of another project, another
 * organisation or any other status answers 404.
 */
@Service
public class PortalReads {

    private final GuestAccess access;
    private final SharedDocuments documents;
    private final TransactionTemplate transactions;

    PortalReads(GuestAccess access, SharedDocuments documents, TransactionTemplate transactions) {
        this.access = access;
        this.documents = documents;
        this.transactions = transactions;
    }

    public Page<SharedDocuments.Listed> list(String sessionToken, String userAgent, PageRequest request) {
        return transactions.execute(status -> {
            GuestAccess.Session session = live(sessionToken, userAgent);
            return documents.effective(session.orgId(), session.projectId(), request);
        });
    }

    public SharedDocuments.Shared one(String sessionToken, String userAgent, UUID documentId) {
        return transactions.execute(status -> {
            GuestAccess.Session session = live(sessionToken, userAgent);
            return documents.effective(session.orgId(), session.projectId(), documentId)
                    .orElseThrow(() -> new NotFoundException("There is no such document."));
        });
    }

    private GuestAccess.Session live(String sessionToken, String userAgent) {
        return access.session(sessionToken, userAgent)
                .orElseThrow(() -> new RefusedException(401, "guest-session-required", "Guest session required",
                        "A live guest session is required: open the link you were mailed."));
    }
}
