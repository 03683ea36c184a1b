/**
 * The offline audit verifier ({@code java -jar bulwark.jar audit-verify …}): checks an exported chain against signed
 * checkpoints with no database and no Bulwark code but this package. It depends on no other module and shares
 * nothing with the writer but docs/audit-chain.md, so a bug in one is not silently repeated in the other.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
package dev.bulwark.verifier;
