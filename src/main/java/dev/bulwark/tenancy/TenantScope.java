package dev.bulwark.tenancy;

import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way to run tenant work. Opens (or joins) a transaction whose first statement binds
 * {@code app.tenant_id} and {@code app.user_id} with {@code set_config(…, true)}: per transaction, never per
 * session, so a pooled connection can never carry one tenant's binding into another's work. Row-level security
 * then filters every row. Inside a transaction the binding may change (a nested call rebinds, then restores);
 * it never outlives the transaction.
 */
@Component
public class TenantScope {

    private static final Object BINDING_KEY = new Object();

    private record Binding(UUID tenantId, UUID userId) {
    }

    private final TransactionTemplate transactions;
    private final JdbcClient jdbc;

    TenantScope(PlatformTransactionManager transactionManager, JdbcClient jdbc) {
        this.transactions = new TransactionTemplate(transactionManager);
        this.jdbc = jdbc;
    }

    /** Runs {@code work} bound to {@code tenantId}, acting as {@code userId} (null when no user acts). */
    public <T> T inTenant(UUID tenantId, UUID userId, Supplier<T> work) {
        if (tenantId == null) {
            throw new IllegalArgumentException("tenant work needs a tenant");
        }
        return bound(new Binding(tenantId, userId), work);
    }

    /** Runs {@code work} bound to {@code tenantId}, acting as {@code userId} (null when no user acts). */
    public void inTenant(UUID tenantId, UUID userId, Runnable work) {
        inTenant(tenantId, userId, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} bound to {@code tenantId} whoever the acting user is: for work on tables filtered by tenant only
     * (the audit chain). Joins a binding to that tenant as it is, with no round trip; otherwise binds no user.
     */
    public <T> T inTenantAnyUser(UUID tenantId, Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && TransactionSynchronizationManager.getResource(BINDING_KEY) instanceof Binding bound
                && tenantId.equals(bound.tenantId())) {
            return work.get();
        }
        return inTenant(tenantId, null, work);
    }

    /** Runs {@code work} as {@code userId} with no tenant bound: user tables and the user's own memberships. */
    public <T> T asUser(UUID userId, Supplier<T> work) {
        if (userId == null) {
            throw new IllegalArgumentException("user work needs a user");
        }
        return bound(new Binding(null, userId), work);
    }

    /**
     * Records that a statement of the current transaction has itself bound {@code tenantId} and {@code userId} with
     * {@code set_config(…, true)}: the request gate's function does, as the first statement of a request's
     * transaction. The work that follows then joins that binding without another round trip. Never call it for a
     * binding no statement made: row-level security would then filter by whatever the connection holds.
     */
    public void adoptBinding(UUID tenantId, UUID userId) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a binding lives in a transaction");
        }
        TransactionSynchronizationManager.unbindResourceIfPossible(BINDING_KEY);
        TransactionSynchronizationManager.bindResource(BINDING_KEY, new Binding(tenantId, userId));
        // The transaction is not ours to end: forget the binding when it ends, so no later work on this thread joins it.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(BINDING_KEY);
            }
        });
    }

    private <T> T bound(Binding binding, Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            Binding previous = (Binding) TransactionSynchronizationManager.getResource(BINDING_KEY);
            if (binding.equals(previous)) {
                return work.get(); // already bound so: no round trip to set it again
            }
            bind(binding);
            try {
                return work.get();
            } finally {
                restore(previous);
            }
        }
        return transactions.execute(status -> {
            bind(binding);
            try {
                return work.get();
            } finally {
                TransactionSynchronizationManager.unbindResourceIfPossible(BINDING_KEY);
            }
        });
    }

    private void restore(Binding previous) {
        if (previous != null) {
            bind(previous);
            return;
        }
        setConfig(new Binding(null, null));
        TransactionSynchronizationManager.unbindResourceIfPossible(BINDING_KEY);
    }

    private void bind(Binding binding) {
        setConfig(binding);
        TransactionSynchronizationManager.unbindResourceIfPossible(BINDING_KEY);
        TransactionSynchronizationManager.bindResource(BINDING_KEY, binding);
    }

    private void setConfig(Binding binding) {
        jdbc.sql("SELECT set_config('app.tenant_id', :tenant, true), set_config('app.user_id', :user, true)")
                .param("tenant", text(binding.tenantId()))
                .param("user", text(binding.userId()))
                .query((rs, n) -> 1)
                .single();
    }

    private static String text(UUID id) {
        return id == null ? "" : id.toString();
    }
}
