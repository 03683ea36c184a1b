package dev.bulwark.keys;

import dev.bulwark.keys.internal.RootKey;
import org.springframework.stereotype.Service;

/** How the root key is held, for the trust center: {@code KMS}, {@code LOCAL_SEALED} or {@code LOCAL_UNSEALED}. */
@Service
public class KeyStatus {

    private final RootKey root;

    KeyStatus(RootKey root) {
        this.root = root;
    }

    public String rootKeyForm() {
        return root.form().name();
    }
}
