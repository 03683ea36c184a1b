package dev.bulwark.keys;

import java.nio.file.Path;

import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.StoredData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether this start may generate keys: only a fresh installation may. Once any account, organisation or organisation
 * keyset is stored, every key Bulwark keeps (the root keyset, the sealed key files) must be the one it had; a key that
 * is missing then refuses the start ({@link #missing}) instead of being generated over data it cannot open.
 */
@Component
public class KeyCustody {

    private static final Logger log = LoggerFactory.getLogger(KeyCustody.class);

    private final boolean hasData;

    public KeyCustody(StoredData stored) {
        // users and organisations are global tables; the platform organisation (a migration's row) holds no data of its
        // own until its keyset exists, which is read bound to it.
        this.hasData = !stored.query(null, """
                        SELECT 1 WHERE EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM organisations WHERE id <> ?)
                        """, (rs, n) -> true, Organisation.PLATFORM_ID).isEmpty()
                || !stored.query(Organisation.PLATFORM_ID, "SELECT 1 FROM tenant_keys WHERE tenant_id = ?", (rs, n) -> true,
                        Organisation.PLATFORM_ID).isEmpty();
        log.debug("Stored data found at start: {}", hasData);
    }

    /** Whether the database holds data that existing keys protect: then no key may be generated. */
    public boolean installationHasData() {
        return hasData;
    }

    /** The refusal for a key file (or the root keyset) that is gone while data exists. */
    public KeysRefusedException missing(Path file, String what) {
        return new KeysRefusedException("this installation has data but " + what + " "
                + file.toAbsolutePath().normalize() + " is missing (new keys are generated only for a fresh installation)",
                restore(file));
    }

    /** The refusal for a key that is there but is not this installation's. */
    public static KeysRefusedException notOurs(Path file, String why) {
        return new KeysRefusedException(why, restore(file));
    }

    private static String restore(Path file) {
        return "restore this installation's key directory " + file.toAbsolutePath().normalize().getParent() + " from its backup";
    }
}
