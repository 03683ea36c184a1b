package dev.bulwark.signatures;

import java.util.Set;

import dev.bulwark.shared.ModuleTables;
import org.springframework.stereotype.Component;

/**
 * The tables of electronic signatures (docs/signatures.md), all tenant tables. Signature rows are never deleted by
 * the application: they leave with their document version (the foreign key's cascade), so with the organisation's
 * documents when it is purged. The security policy's {@code approvals_required} is read from the organisations'
 * table.
 */
@Component
public final class SignaturesTables extends ModuleTables {

    public SignaturesTables() {
        super("signatures", Set.of("organisation_policies", "document_versions"),
                Table.tenant("signature_challenges").deletedOnPurge(),
                Table.tenant("signatures"),
                Table.tenant("signing_periods").deletedOnPurge(),
                Table.tenant("signing_failures").deletedOnPurge(),
                Table.tenant("seal_keys").deletedOnPurge());
    }
}
