package dev.bulwark.egress.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import dev.bulwark.egress.Resolver;
import org.springframework.stereotype.Component;

/**
 * The default {@link Resolver}: the system's resolver ({@code getaddrinfo} through the JDK, with the JDK's address
 * cache). Egress hands it only DNS names, never numeric text, so the JDK's lenient literal parsing is never reached.
 */
@Component
class SystemResolver implements Resolver {

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        return List.of(InetAddress.getAllByName(host));
    }
}
