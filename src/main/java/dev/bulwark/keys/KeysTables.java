package dev.bulwark.keys;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/** The tables of the keys module: each organisation's wrapped keysets and the re-encryption queue (docs/encryption.md). */
@Component
public final class KeysTables extends ModuleTables {

    public KeysTables() {
        super("keys", Set.of("organisations", "users"),
                Table.tenant("tenant_keys"),
                Table.global("key_reencryption_queue",
                        "organisations whose rotated data key leaves rows to re-encrypt, taken by the job of any instance"
                                + " before binding each (ids, times)"));
    }
}
