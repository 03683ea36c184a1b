package dev.bulwark.egress.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.bulwark.egress.DestinationNotAllowedException;

/**
 * {@code bulwark.egress.allow}: exact {@code host:port} and {@code ip:port} entries whose destinations skip the
 * address table (docs/egress.md#allowing-a-destination). An entry is parsed as strictly as a URL's authority and
 * matches only the same host (a name case-insensitively, an IP literal by its bytes and its spelling family: an entry
 * {@code 127.0.0.1:80} does not allow {@code [::ffff:127.0.0.1]:80}) on the same port.
 */
public final class Allowance {

    private static final Pattern ENTRY = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}");

    private final Set<String> keys = new LinkedHashSet<>();

    public Allowance(List<String> entries) {
        for (String entry : entries) {
            if (!ENTRY.matcher(entry).matches()) {
                throw new IllegalArgumentException("bulwark.egress.allow: an entry must be host:port, ip:port or [ipv6]:port");
            }
            Target target;
            try {
                target = Target.parse("http://" + entry + "/");
            } catch (DestinationNotAllowedException e) {
                throw new IllegalArgumentException("bulwark.egress.allow: an entry is not a valid host:port (" + e.getMessage() + ")");
            }
            keys.add(key(target));
        }
    }

    boolean allows(Target target) {
        return keys.contains(key(target));
    }

    /** Whether an entry names exactly this host (as a URL's authority writes it) and port. */
    public boolean allows(String host, int port) {
        try {
            return allows(Target.parse("http://" + host + ":" + port + "/"));
        } catch (DestinationNotAllowedException e) {
            return false;
        }
    }

    /** The number of entries. */
    public int size() {
        return keys.size();
    }

    private static String key(Target target) {
        if (target.isName() || target.hostHeader().charAt(0) != '[') {
            return target.host() + ":" + target.port();
        }
        return "[" + Literals.canonical(Literals.v6(target.host()).orElseThrow()) + "]:" + target.port();
    }
}
