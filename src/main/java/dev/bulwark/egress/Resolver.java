package dev.bulwark.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into its addresses: the seam egress resolves through. The default bean asks the system resolver;
 * tests replace it to simulate DNS answers that change between a check and a send (DNS rebinding).
 */
public interface Resolver {

    /**
     * The addresses {@code host} (a DNS name, never a numeric literal) resolves to right now.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
