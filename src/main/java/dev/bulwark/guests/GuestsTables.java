package dev.bulwark.guests;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of the guest portal: guests (their address sealed), their magic links and sessions (hashes only), and the
 * global index that finds a link's or a session's organisation from its token's hash.
 */
@Component
public final class GuestsTables extends ModuleTables {

    public GuestsTables() {
        super("guests", Set.of("projects"),
                Table.tenant("guests").deletedOnPurge()
                        .sealed("id", "guest", List.of("email"), List.of()),
                Table.tenant("guest_links").deletedOnPurge(),
                Table.tenant("guest_sessions").deletedOnPurge(),
                Table.global("guest_token_index",
                        "magic-link and guest-session token hash to (organisation, link or session): a request finds its token's tenant before binding it (hashes, ids)"));
    }
}
