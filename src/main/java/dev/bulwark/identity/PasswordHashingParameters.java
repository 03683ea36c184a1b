package dev.bulwark.identity;

/**
 * The Argon2id parameters every password (and recovery code) is hashed with: OWASP's first recommended setting
 * (m = 19 MiB, t = 2, p = 1), a 16-byte salt, a 32-byte hash. Published so the trust center can show what is used.
 */
public record PasswordHashingParameters(String algorithm, int memoryKiB, int iterations, int parallelism, int saltBytes,
                                        int hashBytes) {

    public static final PasswordHashingParameters CURRENT = new PasswordHashingParameters("argon2id", 19 * 1024, 2, 1, 16, 32);
}
