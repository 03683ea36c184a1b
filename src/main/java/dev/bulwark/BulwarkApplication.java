package dev.bulwark;

import dev.bulwark.recovery.DrillCommand;
import dev.bulwark.tenancy.BackupCommands;
import dev.bulwark.verifier.EvidenceVerifier;
import dev.bulwark.verifier.OfflineVerifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Bulwark: the secure core of a multi-tenant SaaS. One modular monolith; see docs/architecture.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BulwarkApplication {

    private static final java.util.Set<String> COMMANDS = java.util.Set.of("backup", "restore", "dr-drill");

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("audit-verify")) {
            // The offline verifier: no Spring, no database (docs/audit-chain.md, "Verifying offline").
            System.exit(OfflineVerifier.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("evidence-verify")) {
            // The trust center's signed evidence bundle, offline (docs/trust-center.md, "The signed evidence bundle").
            System.exit(EvidenceVerifier.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("signature-verify")) {
            // The evidence PDF's offline verifier: no Spring, no database, no network (docs/signatures.md).
            System.exit(dev.bulwark.verifier.SignatureVerifier.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            // Backups (docs/backups.md): no HTTP server; one line on stderr and a non-zero status on failure.
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            // Quiet: a command's answer is its output and its exit status; a failure is one line on stderr.
            if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
                root.setLevel(ch.qos.logback.classic.Level.OFF);
            }
            java.io.PrintStream out = System.out;
            // Anything a library prints goes to stderr, so stdout holds the command's own answer only.
            System.setOut(System.err);
            int status = switch (args[0]) {
                case "backup" -> BackupCommands.backup(rest, out, System.err);
                case "restore" -> BackupCommands.restore(rest, out, System.err);
                default -> DrillCommand.run(BulwarkApplication.class, rest, out, System.err);
            };
            out.flush();
            System.exit(status);
        }
        SpringApplication.run(BulwarkApplication.class, args);
    }
}
