/**
 * Egress: the one way Bulwark code opens an outbound connection to a destination a user can name (docs/egress.md).
 * {@link dev.bulwark.egress.Egress} parses a URL strictly, resolves its host once through the
 * {@link dev.bulwark.egress.Resolver} seam, refuses every address that is not globally reachable (the IANA
 * special-purpose registries), connects only to the address it checked, never follows a redirect and cuts a slow or
 * oversized answer. Depends on shared only.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared"})
package dev.bulwark.egress;
