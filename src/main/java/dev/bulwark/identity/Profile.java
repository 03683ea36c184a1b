package dev.bulwark.identity;

import java.util.UUID;

/** What an account shows of itself: its address, its name and whether the address is proven. */
public record Profile(UUID id, String email, String name, boolean emailVerified) {
}
