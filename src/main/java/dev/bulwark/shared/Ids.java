package dev.bulwark.shared;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered identifiers (RFC 9562 UUIDv7), so new rows land at the right edge of their B-tree.
 * Hand-written: the JDK has no v7 generator yet, and the layout is 12 lines of bit placement.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static UUID newId() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long randB = RANDOM.nextLong();
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
