package dev.bulwark.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.bulwark.keys.internal.RootKey;
import dev.bulwark.shared.OwnerOnlyFiles;
import org.springframework.stereotype.Service;

/**
 * Secret key material kept in files (the access-token signing keys, the audit checkpoint key): written sealed by the
 * root key, with the file's purpose as associated data, readable by its owner only. A file written before sealing
 * existed is read as it is and reported as such, so its owner re-writes it sealed. A sealed file that does not open
 * under the root key is another installation's (or damaged): {@link KeysRefusedException}.
 */
@Service
public class KeyFiles {

    private static final String MARKER = "bulwark-sealed-v1\n";

    /** What a file held, and whether it was sealed. */
    public record Read(byte[] content, boolean sealed) {
    }

    private final RootKey root;
    // Every sealed file this instance has read or written, with its purpose: what a root-key rotation re-seals.
    private final Map<Path, String> known = new ConcurrentHashMap<>();

    KeyFiles(RootKey root) {
        this.root = root;
    }

    public void write(Path file, String purpose, byte[] content) {
        known.put(file.toAbsolutePath().normalize(), purpose);
        try {
            byte[] sealed = root.aead().encrypt(content, context(purpose));
            OwnerOnlyFiles.write(file, MARKER + Base64.getEncoder().encodeToString(sealed) + "\n");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal " + file, e);
        }
    }

    public Read read(Path file, String purpose) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (!text.startsWith(MARKER)) {
                return new Read(text.getBytes(StandardCharsets.UTF_8), false);
            }
            byte[] sealed = Base64.getDecoder().decode(text.substring(MARKER.length()).strip());
            Read read = new Read(root.aead().decrypt(sealed, context(purpose)), true);
            known.put(file.toAbsolutePath().normalize(), purpose);
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw KeyCustody.notOurs(file, file.toAbsolutePath().normalize()
                    + " does not open under this root key (sealed by another installation's root key, or damaged)");
        }
    }

    /** Re-seals every key file this instance knows under the root key's current primary; returns how many. */
    public int resealAll() {
        int n = 0;
        for (Map.Entry<Path, String> file : known.entrySet()) {
            if (Files.exists(file.getKey())) {
                Read read = read(file.getKey(), file.getValue());
                try {
                    write(file.getKey(), file.getValue(), read.content());
                } finally {
                    Arrays.fill(read.content(), (byte) 0);
                }
                n++;
            }
        }
        return n;
    }

    private static byte[] context(String purpose) {
        return ("bulwark.key-file.v1\n" + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
