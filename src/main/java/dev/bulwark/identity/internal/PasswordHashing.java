package dev.bulwark.identity.internal;

import dev.bulwark.identity.PasswordHashingParameters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Argon2id with OWASP's minimum parameters set explicitly, so a library default can never weaken them. */
@Configuration(proxyBeanMethods = false)
class PasswordHashing {

    static final int SALT_BYTES = PasswordHashingParameters.CURRENT.saltBytes();
    static final int HASH_BYTES = PasswordHashingParameters.CURRENT.hashBytes();
    static final int PARALLELISM = PasswordHashingParameters.CURRENT.parallelism();
    static final int MEMORY_KIB = PasswordHashingParameters.CURRENT.memoryKiB();
    static final int ITERATIONS = PasswordHashingParameters.CURRENT.iterations();

    @Bean
    PasswordEncoder passwordEncoder() {
        return new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, PARALLELISM, MEMORY_KIB, ITERATIONS);
    }
}
