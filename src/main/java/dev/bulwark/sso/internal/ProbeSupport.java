package dev.bulwark.sso.internal;

/** What the trust center's probe ({@link dev.bulwark.sso.SsoProbe}) needs of the module's internals. */
public final class ProbeSupport {

    /** The global index key of {@code domain} (already in its compared form). */
    public static byte[] domainHash(String domain) {
        return Domains.sha256(domain);
    }

    private ProbeSupport() {
    }
}
