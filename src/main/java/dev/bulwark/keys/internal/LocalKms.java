package dev.bulwark.keys.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.regex.Pattern;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.bulwark.shared.OwnerOnlyFiles;

/**
 * A stand-in for a KMS, through Tink's own {@link KmsClient} interface: {@code local-kms://<name>} is the AES-256-GCM
 * keyset in {@code <dir>/<name>.json}. The file is read on every use, so removing it revokes the key exactly as
 * revoking a KMS grant would. For development and tests of customer-managed keys: the key lives on the same host as
 * the application, so it protects nothing a real KMS would. Enabled only when {@code bulwark.keys.local-kms-dir} is set.
 */
public final class LocalKms implements KmsClient {

    public static final String PREFIX = "local-kms://";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Path dir;

    public LocalKms(Path dir) throws GeneralSecurityException {
        AeadConfig.register();
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** Creates the key {@code name} (as a KMS administrator would); returns its URI. */
    public String create(String name) throws GeneralSecurityException, IOException {
        Path file = file(name);
        if (Files.exists(file)) {
            throw new GeneralSecurityException("the local KMS key already exists");
        }
        KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        OwnerOnlyFiles.write(file, TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
        return PREFIX + name;
    }

    @Override
    public boolean doesSupport(String keyUri) {
        return keyUri != null && keyUri.startsWith(PREFIX) && NAME.matcher(keyUri.substring(PREFIX.length())).matches();
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
        return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
        return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
        if (!doesSupport(keyUri)) {
            throw new GeneralSecurityException("not a local KMS key URI");
        }
        Path file = file(keyUri.substring(PREFIX.length()));
        try {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get());
            return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (IOException e) {
            throw new GeneralSecurityException("the local KMS key cannot be read (revoked?)", e);
        }
    }

    private Path file(String name) throws GeneralSecurityException {
        if (!NAME.matcher(name).matches()) {
            throw new GeneralSecurityException("a local KMS key name is 1-64 of a-z, 0-9 and '-'");
        }
        return dir.resolve(name + ".json");
    }
}
