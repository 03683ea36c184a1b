package dev.bulwark.guests;

import dev.bulwark.guests.internal.GuestAccess;
import org.springframework.stereotype.Service;

/**
 * What the trust center checks of the guest portal (docs/guests.md#trust-center): a live probe on a synthetic guest of
 * the platform organisation, rolled back whatever happens.
 */
@Service
public class GuestAssurance {

    /**
     * What the probe saw: the stored value of a magic link is not the token ({@code storedNotToken}) and is its SHA-256
     * ({@code storedIsSha256}); the link signed in once and a second use was refused ({@code signsInOnce}); revoking
     * the guest ended the session it had started at once ({@code revocationEndsSession}).
     */
    public record Probe(boolean storedNotToken, boolean storedIsSha256, boolean signsInOnce, boolean revocationEndsSession) {
    }

    private final GuestAccess access;

    GuestAssurance(GuestAccess access) {
        this.access = access;
    }

    public Probe probe() {
        GuestAccess.Probe seen = access.probe();
        return new Probe(seen.storedNotToken(), seen.storedIsSha256(), seen.signsInOnce(), seen.revocationEndsSession());
    }
}
