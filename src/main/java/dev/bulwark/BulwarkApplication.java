package dev.bulwark;

import dev.bulwark.verifier.OfflineVerifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Bulwark: the secure core of a multi-tenant SaaS. One modular monolith; see docs/architecture.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BulwarkApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("audit-verify")) {
            // The offline verifier: no Spring, no database (docs/audit-chain.md, "Verifying offline").
            System.exit(OfflineVerifier.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        SpringApplication.run(BulwarkApplication.class, args);
    }
}
