package dev.bulwark.trust.internal;

import dev.bulwark.guests.GuestAssurance;
import dev.bulwark.trust.Check;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The guest-link check passes only when the probe saw every part hold; each part failing alone fails it. */
class GuestLinksCheckTest {

    @Test
    void guestLinksFailWhenAnyPartOfTheProbeFails() {
        Check.Result healthy = ConfigChecks.guestLinks(new GuestAssurance.Probe(true, true, true, true));
        assertThat(healthy.status()).isEqualTo(Check.Status.PASS);
        assertThat(healthy.evidence()).containsEntry("storedValueIsNotTheToken", true).containsEntry("storedValueIsSha256OfToken", true)
                .containsEntry("linkSignsInOnce", true).containsEntry("revocationEndsSessionAtOnce", true);
        // The token stored as it is; a hash that is not the token's SHA-256; a link that signs in twice; a session that
        // survives its guest's revocation.
        assertThat(ConfigChecks.guestLinks(new GuestAssurance.Probe(false, true, true, true)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.guestLinks(new GuestAssurance.Probe(true, false, true, true)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.guestLinks(new GuestAssurance.Probe(true, true, false, true)).status()).isEqualTo(Check.Status.FAIL);
        assertThat(ConfigChecks.guestLinks(new GuestAssurance.Probe(true, true, true, false)).status()).isEqualTo(Check.Status.FAIL);
    }
}
