package dev.bulwark.tenancy.internal.database;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

import dev.bulwark.shared.OwnerOnlyFiles;

/**
 * The embedded cluster's role passwords, generated at first start and kept in one file readable by its
 * owner only (mode 600, directory 700). Written atomically, so a crash never leaves half a file.
 */
final class SecretsFile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties values = new Properties();

    private SecretsFile(Path file) {
        this.file = file;
    }

    static SecretsFile open(Path file) {
        SecretsFile secrets = new SecretsFile(file);
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                secrets.values.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return secrets;
    }

    /** The password kept for {@code role}, generated (256 random bits) and saved if there is none yet. */
    String passwordFor(String role) {
        String key = "password." + role;
        String existing = values.getProperty(key);
        if (existing != null) {
            return existing;
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        values.setProperty(key, generated);
        save();
        return generated;
    }

    private void save() {
        StringWriter out = new StringWriter();
        try {
            values.store(out, "Bulwark embedded database role passwords. Keep secret; never commit.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OwnerOnlyFiles.write(file, out.toString());
    }
}
