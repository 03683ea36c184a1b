package dev.bulwark.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Resolver} whose answers a test writes: each host gets a sequence of answers, one per resolution, the last
 * repeated (DNS that changes between registration and delivery: rebinding). Names it was not told about do not
 * resolve. It parses the addresses it is given from bytes, never through the JDK's lenient text parser.
 */
public class ScriptedResolver implements Resolver {

    private final Map<String, List<List<InetAddress>>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** {@code host} answers {@code first}, then each of {@code later} in turn, the last one from then on. */
    @SafeVarargs
    public final ScriptedResolver answer(String host, List<InetAddress> first, List<InetAddress>... later) {
        List<List<InetAddress>> sequence = new ArrayList<>();
        sequence.add(first);
        sequence.addAll(List.of(later));
        answers.put(host.toLowerCase(Locale.ROOT), sequence);
        calls.put(host.toLowerCase(Locale.ROOT), new AtomicInteger());
        return this;
    }

    /** How many times {@code host} was resolved. */
    public int resolutions(String host) {
        AtomicInteger n = calls.get(host.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<List<InetAddress>> sequence = answers.get(host.toLowerCase(Locale.ROOT));
        if (sequence == null) {
            throw new UnknownHostException("not scripted");
        }
        int n = calls.get(host.toLowerCase(Locale.ROOT)).getAndIncrement();
        return sequence.get(Math.min(n, sequence.size() - 1));
    }

    /** An address from its bytes: {@code ip(127, 0, 0, 1)}, or 16 values for IPv6. */
    public static InetAddress ip(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An IPv6 address from its eight 16-bit groups. */
    public static InetAddress ip6(int... groups) {
        int[] bytes = new int[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = groups[i] >> 8;
            bytes[2 * i + 1] = groups[i] & 0xff;
        }
        return ip(bytes);
    }
}
