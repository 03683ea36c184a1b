package dev.bulwark.identity;

import java.util.UUID;

/** Whether a person has made the first-use certification of electronic signatures (docs/signatures.md, 11.100(c)). */
public interface SignatureCertificationRecords {

    boolean hasCertified(UUID userId);
}
