package dev.bulwark.keys;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.UUID;

import dev.bulwark.keys.internal.RootKey;
import dev.bulwark.keys.internal.TenantKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Rotating the root key: a new primary key in the local root keyset, then every organisation's keysets that the root
 * key wraps and every sealed key file are re-wrapped under it — no encrypted row is touched — and only then are the
 * older root keys removed, so a copy of the old root keyset opens nothing written since. With a KMS root key, rotate
 * the key in the KMS; the re-wrap still moves everything to its new version.
 * Run by starting an instance once with {@code bulwark.keys.rotate-root=true} (docs/encryption.md).
 */
@Service
public class RootKeyRotation implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RootKeyRotation.class);

    /** What a rotation did: the root keyset's key ids after it, and how much it re-wrapped. */
    public record Report(List<Integer> rootKeyIds, int organisations, int keyFiles) {
    }

    private final RootKey root;
    private final TenantKeys tenantKeys;
    private final KeyFiles keyFiles;
    private final JdbcClient jdbc;
    private final boolean atStart;

    RootKeyRotation(RootKey root, TenantKeys tenantKeys, KeyFiles keyFiles, JdbcClient jdbc,
                    @Value("${bulwark.keys.rotate-root:false}") boolean atStart) {
        this.root = root;
        this.tenantKeys = tenantKeys;
        this.keyFiles = keyFiles;
        this.jdbc = jdbc;
        this.atStart = atStart;
    }

    @Override
    public void run(ApplicationArguments args) throws GeneralSecurityException {
        if (atStart) {
            Report report = rotate();
            log.info("Root key rotated: keys {}, {} organisations and {} key files re-wrapped", report.rootKeyIds(),
                    report.organisations(), report.keyFiles());
        }
    }

    public Report rotate() throws GeneralSecurityException {
        boolean local = root.form() != RootKey.Form.KMS;
        if (local) {
            root.rotate();
        }
        int organisations = 0;
        // The registry of organisations is global; each one's keys are re-wrapped inside its own tenant scope.
        for (UUID org : jdbc.sql("SELECT id FROM organisations ORDER BY id").query(UUID.class).list()) {
            if (tenantKeys.rewrapUnderRoot(org)) {
                organisations++;
            }
        }
        int files = keyFiles.resealAll();
        if (local) {
            root.retireOlderKeys();
        }
        return new Report(root.keyIds(), organisations, files);
    }
}
