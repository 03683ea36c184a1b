package dev.bulwark.web.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Whose per-IP budget a sign-in spends: an IPv6 client by its network prefix, since one host holds a whole /64. */
class AuthRateLimitFilterTest {

    private static String subject(String address) {
        return AuthRateLimitFilter.budgetSubject(address, 64);
    }

    @Test
    void twoAddressesOfOneSlash64ShareABudget() {
        assertThat(subject("2001:db8:1:2::1")).isEqualTo(subject("2001:db8:1:2:ffff:ffff:ffff:ffff"))
                .isEqualTo(subject("2001:DB8:1:2:abcd:0:0:7")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(subject("fe80::1%eth0")).as("a zone names our interface, not the client").isEqualTo(subject("fe80::2"));
    }

    @Test
    void differentSlash64sDoNot() {
        assertThat(subject("2001:db8:1:2::1")).isNotEqualTo(subject("2001:db8:1:3::1"));
        assertThat(subject("2001:db8:1:2::1")).isNotEqualTo(subject("2001:db9:1:2::1"));
    }

    @Test
    void thePrefixLengthIsConfigurable() {
        assertThat(AuthRateLimitFilter.budgetSubject("2001:db8:1:2::1", 48)).isEqualTo(AuthRateLimitFilter.budgetSubject("2001:db8:1:3::1", 48))
                .isEqualTo("2001:db8:1:0:0:0:0:0/48");
        assertThat(AuthRateLimitFilter.budgetSubject("2001:db8:1:2::1", 128)).isNotEqualTo(AuthRateLimitFilter.budgetSubject("2001:db8:1:2::2", 128));
        assertThat(AuthRateLimitFilter.budgetSubject("2001:db8::1", 57)).isEqualTo(AuthRateLimitFilter.budgetSubject("2001:db8:0:7f::1", 57))
                .isNotEqualTo(AuthRateLimitFilter.budgetSubject("2001:db8:0:80::1", 57));
    }

    @Test
    void ipv4IsUnchangedAndAnIpv4MappedAddressIsThatIpv4Address() {
        assertThat(subject("203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(subject("203.0.113.10")).isNotEqualTo(subject("203.0.113.9"));
        assertThat(subject("::ffff:203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(subject("0:0:0:0:0:ffff:cb00:7109")).isEqualTo("203.0.113.9");
    }

    @Test
    void somethingThatIsNotAnAddressIsNeverResolved() {
        assertThat(subject("localhost")).isEqualTo("localhost");
        assertThat(subject("evil.example")).isEqualTo("evil.example");
        assertThat(subject("::zz")).isEqualTo("::zz");
    }
}
