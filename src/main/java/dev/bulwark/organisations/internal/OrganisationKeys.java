package dev.bulwark.organisations.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.access.RecentFactor;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import dev.bulwark.keys.CustomerKeys;
import dev.bulwark.keys.KeyRotation;
import dev.bulwark.tenancy.Permission;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An organisation's own keys, as its OWNER manages them (MANAGE_KEYS, signed in as a person, step-up): their state,
 * rotating the data key (re-encryption follows in the background), and pointing the organisation at its own KMS key.
 * Each change is audited in the same transaction as the change.
 */
@Service
public class OrganisationKeys {

    /** What an OWNER sees of the organisation's keys; never key material. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "KeysStatus")
    public record Status(int primaryKeyId, List<Integer> keyIds, Instant rotatedAt, String protection, String kmsKeyUri,
                         Reencryption reencryption) {
    }

    /** Background re-encryption: whether the organisation is queued, and rows left under an older key per table. */
    public record Reencryption(boolean queued, boolean done, Map<String, Long> remaining) {
    }

    private final KeyRotation rotation;
    private final CustomerKeys customerKeys;
    private final RecentFactor stepUp;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    OrganisationKeys(KeyRotation rotation, CustomerKeys customerKeys, RecentFactor stepUp,
                     AuditLog audit, TransactionTemplate transactions) {
        this.rotation = rotation;
        this.customerKeys = customerKeys;
        this.stepUp = stepUp;
        this.audit = audit;
        this.transactions = transactions;
    }

    public Status status(Caller caller) {
        UUID org = caller.orgId();
        List<Integer> ids = rotation.keyIds(org);
        String uri = customerKeys.keyUri(org).orElse(null);
        KeyRotation.Progress progress = rotation.progress(org);
        return new Status(ids.getFirst(), ids, rotation.rotatedAt(org).orElse(null),
                uri == null ? "bulwark-root-key" : "customer-kms-key", uri,
                new Reencryption(rotation.queued(org), progress.done(), new LinkedHashMap<>(progress.remaining())));
    }

    public Status rotate(Caller caller) {
        UUID org = authorise(caller);
        transactions.executeWithoutResult(s -> {
            List<Integer> ids = rotation.rotate(org);
            audit.callerAction(caller, AuditType.ORG_KEYS_ROTATED, Entity.organisation(org), Map.of("primaryKeyId", ids.getFirst(), "keys", ids.size()));
        });
        return status(caller);
    }

    public Status useKms(Caller caller, String keyUri) {
        UUID org = authorise(caller);
        transactions.executeWithoutResult(s -> {
            customerKeys.use(org, keyUri);
            audit.callerAction(caller, AuditType.ORG_KEYS_KMS_SET, Entity.organisation(org), Map.of("kmsKeyUri", keyUri));
        });
        return status(caller);
    }

    public Status releaseKms(Caller caller) {
        UUID org = authorise(caller);
        transactions.executeWithoutResult(s -> {
            customerKeys.release(org);
            audit.callerAction(caller, AuditType.ORG_KEYS_KMS_REMOVED, Entity.organisation(org), Map.of());
        });
        return status(caller);
    }

    private UUID authorise(Caller caller) {
        stepUp.require(caller);
        return caller.orgId();
    }
}
