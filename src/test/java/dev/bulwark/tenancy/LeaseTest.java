package dev.bulwark.tenancy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The one lease every single-instance job takes (retention, trust checks, re-encryption), on the real database. */
class LeaseTest extends IntegrationTest {

    @Autowired
    Lease leases;

    @Test
    void oneHolderAtATimeUntilItGivesBackOrItsTermLapses() {
        String name = "test:" + UUID.randomUUID();
        Instant now = Instant.now();
        Optional<Lease.Held> first = leases.acquire(name, now, Duration.ofMinutes(1));
        assertThat(first).as("a free lease is taken").isPresent();
        assertThat(leases.held(name, now)).isTrue();
        assertThat(leases.acquire(name, now.plusSeconds(30), Duration.ofMinutes(1))).as("held: refused").isEmpty();

        // Renewed, it outlives its first term.
        assertThat(first.get().renew(now.plusSeconds(50), Duration.ofMinutes(1))).isTrue();
        assertThat(leases.acquire(name, now.plusSeconds(70), Duration.ofMinutes(1))).as("renewed: still refused").isEmpty();

        // Its term over, another instance takes it; the first can then neither renew nor give back what it lost.
        Optional<Lease.Held> second = leases.acquire(name, now.plusSeconds(111), Duration.ofMinutes(1));
        assertThat(second).as("a lapsed lease is taken").isPresent();
        assertThat(first.get().renew(now.plusSeconds(112), Duration.ofMinutes(1))).isFalse();
        first.get().close();
        assertThat(leases.held(name, now.plusSeconds(112))).as("the first holder's close leaves the second's lease").isTrue();

        second.get().close();
        assertThat(leases.held(name, now.plusSeconds(112))).isFalse();
        assertThat(leases.acquire(name, now.plusSeconds(112), Duration.ofMinutes(1))).as("given back: free").isPresent();
    }
}
