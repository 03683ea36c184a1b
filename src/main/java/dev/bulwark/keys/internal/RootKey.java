package dev.bulwark.keys.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.bulwark.keys.KeyProperties;
import dev.bulwark.shared.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The root of the key hierarchy: an AES-256-GCM Tink keyset in {@code <bulwark.keys.dir>/root-keyset.json}, generated
 * at first start, readable by its owner only. It never encrypts data, only tenant keysets.
 */
@Component
public class RootKey {

    private static final Logger log = LoggerFactory.getLogger(RootKey.class);

    private final Aead aead;

    RootKey(KeyProperties properties) throws GeneralSecurityException {
        AeadConfig.register();
        Path file = properties.dir().toAbsolutePath().normalize().resolve("root-keyset.json");
        KeysetHandle handle;
        try {
            if (Files.exists(file)) {
                handle = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get());
            } else {
                handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
                OwnerOnlyFiles.write(file, TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
                log.info("Generated a new root keyset in {}", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the root keyset " + file, e);
        }
        this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /** Wraps tenant keysets and key files, each bound to its own associated data. */
    public Aead aead() {
        return aead;
    }
}
