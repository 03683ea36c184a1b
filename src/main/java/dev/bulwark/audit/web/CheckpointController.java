package dev.bulwark.audit.web;

import java.time.Duration;

import dev.bulwark.access.Caller;
import dev.bulwark.access.Public;
import dev.bulwark.access.Requires;
import dev.bulwark.audit.internal.AuditProofs;
import dev.bulwark.audit.internal.CheckpointKey;
import dev.bulwark.shared.NotFoundException;
import dev.bulwark.tenancy.Permission;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An organisation's signed checkpoints and the RFC 6962 proofs against them (READ_AUDIT), and the public key that
 * verifies every checkpoint (public). Proofs hold hashes only, so asking for them is not itself recorded.
 */
@RestController
class CheckpointController {

    private final AuditProofs proofs;
    private final CheckpointKey key;

    CheckpointController(AuditProofs proofs, CheckpointKey key) {
        this.proofs = proofs;
        this.key = key;
    }

    @Operation(summary = "The latest signed checkpoint of the audit log", operationId = "audit.latestCheckpoint")
    @GetMapping("/api/v1/orgs/{orgId}/audit/checkpoint")
    @Requires(Permission.READ_AUDIT)
    AuditProofs.Checkpoint latest(Caller caller) {
        return proofs.latest(caller.orgId())
                .orElseThrow(() -> new NotFoundException("No checkpoint yet: one is signed within the checkpoint interval"));
    }

    @Operation(summary = "A proof that an event is in a checkpoint", operationId = "audit.inclusionProof")
    @GetMapping("/api/v1/orgs/{orgId}/audit/proof/inclusion")
    @Requires(Permission.READ_AUDIT)
    AuditProofs.Inclusion inclusion(Caller caller, @RequestParam long seq, @RequestParam(required = false) Long treeSize) {
        return proofs.inclusion(caller.orgId(), seq, treeSize != null ? treeSize : latestSize(caller));
    }

    @Operation(summary = "A proof that one checkpoint extends another", operationId = "audit.consistencyProof")
    @GetMapping("/api/v1/orgs/{orgId}/audit/proof/consistency")
    @Requires(Permission.READ_AUDIT)
    AuditProofs.Consistency consistency(Caller caller, @RequestParam long from, @RequestParam(required = false) Long to) {
        return proofs.consistency(caller.orgId(), from, to != null ? to : latestSize(caller));
    }

    @Operation(summary = "The signed anchor left by the last purge of audit events")
    @GetMapping("/api/v1/orgs/{orgId}/audit/purge")
    @Requires(Permission.READ_AUDIT)
    AuditProofs.PurgeAnchor purgeAnchor(Caller caller) {
        return proofs.purgeAnchor(caller.orgId())
                .orElseThrow(() -> new NotFoundException("Nothing of this log was purged"));
    }

    /** The C2SP verifier key of the checkpoint signatures: {@code <name>+<key id>+<base64 key>}. */
    @Operation(summary = "The public key that signs audit checkpoints")
    @GetMapping(value = "/.well-known/bulwark-audit-key", produces = MediaType.TEXT_PLAIN_VALUE)
    @Public
    ResponseEntity<String> publicKey() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
                .body(key.verifierKey() + "\n");
    }

    private long latestSize(Caller caller) {
        return latest(caller).treeSize();
    }
}
