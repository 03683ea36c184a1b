package dev.bulwark.example;

import java.util.List;
import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The example module's one table: a tenant table whose {@code body} is sealed under the organisation's key, deleted
 * with its organisation. Declaring it here is what the trust center's ciphertext sweep and the organisation purge read.
 */
@Component
public final class ExampleTables extends ModuleTables {

    public static final String NOTES = "example_notes";

    public ExampleTables() {
        super("example", Set.of(),
                Table.tenant(NOTES).deletedOnPurge().sealed("id", null, List.of("body"), List.of()));
    }
}
