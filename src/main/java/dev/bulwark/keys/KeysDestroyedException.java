package dev.bulwark.keys;

import java.util.UUID;

/** The organisation's keys were destroyed (crypto-shredding): nothing of it can be encrypted or decrypted any more. */
public class KeysDestroyedException extends RuntimeException {

    public KeysDestroyedException(UUID tenant) {
        super("The keys of organisation " + tenant + " were destroyed");
    }
}
