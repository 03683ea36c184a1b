/**
 * Keys and field encryption (docs/encryption.md): the root key, each organisation's data and index keysets wrapped by
 * it, {@link dev.bulwark.keys.FieldCipher} (the one way to encrypt a field) and {@link dev.bulwark.keys.BlindIndex}.
 * Depends on tenancy and shared only.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy"})
package dev.bulwark.keys;
