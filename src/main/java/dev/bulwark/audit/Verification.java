package dev.bulwark.audit;

/**
 * What verifying a tenant's chain found. {@code firstInvalidSeq} is the first position where the stored chain and
 * its recomputation disagree (null when valid); {@code redacted} counts rows whose personal data was removed through
 * the erasure path — intact, not tampered. {@code headSeq}/{@code headHash} are the last verified event's;
 * {@code checkpointSize} is the largest checkpoint the chain was found to match, {@code checkpointsMatched} how many
 * checkpoint roots (in the database and outside it) were compared; {@code purgedThrough} the last seq removed by
 * retention (0 if none), from where the chain is verified on.
 */
public record Verification(boolean valid, long checked, Long firstInvalidSeq, String problem, long redacted, long headSeq,
                           String headHash, long checkpointSize, long checkpointsMatched, long purgedThrough) {
}
