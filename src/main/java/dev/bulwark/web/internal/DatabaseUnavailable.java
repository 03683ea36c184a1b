package dev.bulwark.web.internal;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Failures that mean "the database cannot serve now" (no pooled connection within the pool's timeout, the server
 * unreachable, shutting down or out of connections) rather than a bug: they answer 503 with {@code Retry-After}, never
 * 500, wherever they surface (a controller, a filter, the authentication of a token).
 */
final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    static boolean causes(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && unavailable(sql.getSQLState())) {
                return true;
            }
            // A commit or rollback the connection could not carry out (the server died under it): infrastructure, and
            // the client may retry; never a bug of ours.
            if (t instanceof TransactionSystemException && t.getCause() instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Connection exceptions (08), the server shutting down or starting (57P01-57P03), too many connections (53300), its
     * storage full (53100 disk_full: the write is rolled back, the request may be retried once space is freed).
     */
    private static boolean unavailable(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300") || state.equals(DISK_FULL);
    }

    private static final String DISK_FULL = "53100";

    static ProblemDetail problem() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                "The database cannot serve this request now. Retry after the time in Retry-After.");
    }

    /** As {@link #problem()}, saying so when the database's storage is full. */
    static ProblemDetail problem(Throwable failure) {
        if (storageFull(failure)) {
            return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                    "The database's storage is full: nothing was written. Retry after the time in Retry-After.");
        }
        return problem();
    }

    static boolean storageFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && DISK_FULL.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
