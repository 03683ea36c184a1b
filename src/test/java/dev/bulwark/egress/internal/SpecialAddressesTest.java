package dev.bulwark.egress.internal;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The address table and the strict literal parser on their own: every block refuses its first and last address and
 * its neighbours outside stay allowed; well-known public resolvers pass; literals are read only in their canonical
 * spellings.
 */
class SpecialAddressesTest {

    private static Optional<String> verdict(String literal) {
        return SpecialAddresses.refusal(Literals.parse(literal).orElseThrow(() -> new AssertionError("unparsed " + literal)));
    }

    @Test
    void publicAddressesAreAllowed() {
        for (String a : List.of("8.8.8.8", "1.1.1.1", "9.9.9.9", "93.184.216.34", "2606:4700:4700::1111",
                "2001:4860:4860::8888", "2a00:1450:4001:80b::200e",
                // NAT64 and 6to4 of a public address, and the blocks' neighbours outside
                "64:ff9b::808:808", "64:ff9b::8.8.8.8", "2002:808:808::1", "9.255.255.255", "11.0.0.0", "100.63.255.255",
                "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
                "172.32.0.0", "192.0.1.0", "192.88.98.255", "192.88.100.0", "192.167.255.255", "192.169.0.0",
                "198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0",
                "223.255.255.255", "2001:200::1", "2001:db7:ffff::1", "2001:db9::1", "2003::1", "3ffe::1", "3fff:1000::1",
                "2600::1")) {
            assertThat(verdict(a)).as(a).isEmpty();
        }
    }

    @Test
    void everyBlockRefusesItsFirstAndLastAddress() {
        for (SpecialAddresses.Block block : SpecialAddresses.IPV4) {
            check(block);
        }
        for (SpecialAddresses.Block block : SpecialAddresses.IPV6) {
            if (block.treatment() == SpecialAddresses.Treatment.REFUSE) {
                check(block);
            }
        }
        assertThat(SpecialAddresses.IPV4).hasSize(16);
        assertThat(SpecialAddresses.IPV6).hasSize(17);
    }

    private static void check(SpecialAddresses.Block block) {
        byte[] first = block.prefix().clone();
        byte[] last = block.prefix().clone();
        for (int bit = block.bits(); bit < first.length * 8; bit++) {
            first[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
            last[bit / 8] |= (byte) (0x80 >> (bit % 8));
        }
        assertThat(SpecialAddresses.refusal(first)).as(block.cidr() + " first").isPresent();
        assertThat(SpecialAddresses.refusal(last)).as(block.cidr() + " last").isPresent();
    }

    @Test
    void addressesEmbeddingAnInternalIpv4AreRefusedByWhatTheyEmbed() {
        assertThat(verdict("::ffff:127.0.0.1")).hasValueSatisfying(v -> assertThat(v).contains("IPv4-mapped").contains("Loopback"));
        assertThat(verdict("::ffff:10.1.2.3")).hasValueSatisfying(v -> assertThat(v).contains("Private-Use"));
        assertThat(verdict("64:ff9b::169.254.169.254")).hasValueSatisfying(v -> assertThat(v).contains("Link Local"));
        assertThat(verdict("2002:c0a8:101::1")).hasValueSatisfying(v -> assertThat(v).contains("6to4").contains("Private-Use"));
        assertThat(verdict("2002:7f00:1::")).isPresent();
        // Teredo is refused outright, whatever it embeds (here 8.8.8.8, inverted: f7f7:f7f7).
        assertThat(verdict("2001:0:4136:e378:8000:63bf:f7f7:f7f7")).isPresent();
        assertThat(verdict("64:ff9b:1::808:808")).isPresent();
        // Outside every registry block and outside 2000::/3: refused too.
        assertThat(verdict("::ffff:0:808:808")).hasValueSatisfying(v -> assertThat(v).contains("2000::/3"));
        assertThat(verdict("4000::1")).isPresent();
        assertThat(verdict("fd00:ec2::254")).hasValueSatisfying(v -> assertThat(v).contains("Unique-Local"));
    }

    @Test
    void onlyCanonicalSpellingsAreLiterals() {
        for (String ok : List.of("0.0.0.0", "127.0.0.1", "255.255.255.255", "8.8.8.8", "::", "::1", "1::", "1:2:3:4:5:6:7:8",
                "1::8", "::ffff:127.0.0.1", "0:0:0:0:0:ffff:127.0.0.1", "FE80::1", "2001:db8::1.2.3.4")) {
            assertThat(Literals.parse(ok)).as(ok).isPresent();
        }
        for (String bad : List.of("0177.0.0.1", "0x7f.0.0.1", "127.1", "127.0.1", "2130706433", "127.0.0.01", "127.000.0.1",
                "256.0.0.1", "127.0.0.1.", ".127.0.0.1", "1.2.3.4.5", " 127.0.0.1", "127.0.0.1 ", "", "1:2:3:4:5:6:7:8:9",
                "1::2::3", ":1::2", "1::2:", "12345::1", "::ffff:0177.0.0.1", "::ffff:127.1", "::1%lo", "fe80::1%25eth0",
                "1.2.3.4::1", "::1.2.3.4:1", "g::1", "1:2:3:4:5:6:7", "::1:2:3:4:5:6:7:8")) {
            assertThat(Literals.parse(bad)).as(bad).isEmpty();
        }
        assertThat(Literals.canonical(Literals.parse("::ffff:127.0.0.1").orElseThrow())).isEqualTo("0:0:0:0:0:ffff:7f00:1");
    }
}
