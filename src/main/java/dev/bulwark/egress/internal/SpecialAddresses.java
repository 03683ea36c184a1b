package dev.bulwark.egress.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The addresses egress never connects to, as data: every block of the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries that is not globally reachable, with IPv4 multicast, and the IPv6 blocks that embed an IPv4 address
 * (IPv4-mapped, NAT64, 6to4), whose embedded address is judged by the IPv4 table. The table is written out in
 * docs/egress.md with its sources. The first block (in this order) that holds an address decides; an IPv6 address in
 * no block must still lie in 2000::/3, the only range IANA allocates as global unicast.
 */
public final class SpecialAddresses {

    /** What a block means for an address inside it. */
    enum Treatment {
        /** Never connected to. */
        REFUSE,
        /** Carries an IPv4 address in its last 32 bits (IPv4-mapped, NAT64 well-known prefix): that address decides. */
        EMBEDDED_LAST_32,
        /** 6to4 (RFC 3056): carries an IPv4 address in bits 16 to 48: that address decides. */
        EMBEDDED_6TO4
    }

    /** One block: its prefix, its registry name, the document that reserves it, and what it means. */
    record Block(String cidr, String name, String source, Treatment treatment, byte[] prefix, int bits) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    /** IPv4: the IANA IPv4 Special-Purpose Address Registry's blocks that are not globally reachable, and multicast. */
    static final List<Block> IPV4 = List.of(
            block("0.0.0.0/8", "\"This network\"", "RFC 791 §3.2"),
            block("10.0.0.0/8", "Private-Use", "RFC 1918"),
            block("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
            block("127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3"),
            block("169.254.0.0/16", "Link Local", "RFC 3927"),
            block("172.16.0.0/12", "Private-Use", "RFC 1918"),
            block("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1"),
            block("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
            block("192.88.99.0/24", "Deprecated 6to4 Relay Anycast", "RFC 7526"),
            block("192.168.0.0/16", "Private-Use", "RFC 1918"),
            block("198.18.0.0/15", "Benchmarking", "RFC 2544"),
            block("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
            block("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
            block("224.0.0.0/4", "Multicast", "RFC 5771 (IANA IPv4 Multicast Address Space Registry)"),
            block("240.0.0.0/4", "Reserved", "RFC 1112 §4"),
            block("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7"));

    /** IPv6: the IANA IPv6 Special-Purpose Address Registry's blocks that are not globally reachable, and multicast. */
    static final List<Block> IPV6 = List.of(
            block("::/128", "Unspecified Address", "RFC 4291"),
            block("::1/128", "Loopback Address", "RFC 4291"),
            block("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", Treatment.EMBEDDED_LAST_32),
            block("::/96", "IPv4-compatible Address (deprecated)", "RFC 4291 §2.5.5.1"),
            block("64:ff9b::/96", "IPv4-IPv6 Translation (NAT64 well-known prefix)", "RFC 6052", Treatment.EMBEDDED_LAST_32),
            block("64:ff9b:1::/48", "IPv4-IPv6 Translation (local-use NAT64)", "RFC 8215"),
            block("100::/64", "Discard-Only Address Block", "RFC 6666"),
            block("2001::/32", "TEREDO", "RFC 4380, RFC 8190"),
            block("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
            block("2001:db8::/32", "Documentation", "RFC 3849"),
            block("2002::/16", "6to4", "RFC 3056", Treatment.EMBEDDED_6TO4),
            block("3fff::/20", "Documentation", "RFC 9637"),
            block("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
            block("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190"),
            block("fe80::/10", "Link-Local Unicast", "RFC 4291"),
            block("fec0::/10", "Site-Local Unicast (deprecated)", "RFC 3879"),
            block("ff00::/8", "Multicast", "RFC 4291 (IANA IPv6 Multicast Address Space Registry)"));

    /** Global unicast, RFC 4291 §2.4: an IPv6 address outside it and outside the blocks above is refused too. */
    static final Block GLOBAL_UNICAST = block("2000::/3", "Global Unicast", "RFC 4291 §2.4");

    private SpecialAddresses() {
    }

    /**
     * Why {@code address} must not be connected to (its block's name and prefix), or empty when it is globally
     * reachable.
     */
    public static Optional<String> refusal(InetAddress address) {
        return refusal(address.getAddress());
    }

    static Optional<String> refusal(byte[] address) {
        if (address.length == 4) {
            for (Block b : IPV4) {
                if (b.contains(address)) {
                    return Optional.of(b.name() + " (" + b.cidr() + ")");
                }
            }
            return Optional.empty();
        }
        if (address.length != 16) {
            return Optional.of("not an IP address");
        }
        for (Block b : IPV6) {
            if (b.contains(address)) {
                return switch (b.treatment()) {
                    case REFUSE -> Optional.of(b.name() + " (" + b.cidr() + ")");
                    case EMBEDDED_LAST_32 -> refusal(Arrays.copyOfRange(address, 12, 16))
                            .map(inner -> b.name() + " (" + b.cidr() + ") of " + inner);
                    case EMBEDDED_6TO4 -> refusal(Arrays.copyOfRange(address, 2, 6))
                            .map(inner -> b.name() + " (" + b.cidr() + ") of " + inner);
                };
            }
        }
        if (!GLOBAL_UNICAST.contains(address)) {
            return Optional.of("outside Global Unicast (2000::/3)");
        }
        return Optional.empty();
    }

    private static Block block(String cidr, String name, String source) {
        return block(cidr, name, source, Treatment.REFUSE);
    }

    private static Block block(String cidr, String name, String source, Treatment treatment) {
        int slash = cidr.indexOf('/');
        byte[] prefix = Literals.parse(cidr.substring(0, slash))
                .orElseThrow(() -> new IllegalStateException("bad block " + cidr));
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        if (bits > prefix.length * 8) {
            throw new IllegalStateException("bad block " + cidr);
        }
        return new Block(cidr, name, source, treatment, prefix, bits);
    }

    /** The address as an {@link InetAddress}, built from its bytes: nothing is resolved. */
    static InetAddress toInetAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address", e);
        }
    }

    /** Whether an address is IPv4 (an IPv4-mapped IPv6 literal comes back from the JDK as IPv4). */
    static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }
}
