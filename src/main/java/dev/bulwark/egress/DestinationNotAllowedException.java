package dev.bulwark.egress;

import dev.bulwark.shared.RefusedException;

/**
 * 400 {@code destination-not-allowed}: a URL egress will not call, because it is malformed (scheme, user information,
 * length, an ambiguous numeric host) or because its host is, or resolves to, an address that is not globally reachable.
 * The detail names the reason, never an address a name resolved to.
 */
public class DestinationNotAllowedException extends RefusedException {

    public DestinationNotAllowedException(String detail) {
        super(400, "destination-not-allowed", "Destination not allowed", detail);
    }
}
