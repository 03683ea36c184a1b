/**
 * The gate in front of every handler (docs/access-control.md): endpoint declarations, the organisation check that
 * yields a {@link dev.bulwark.access.Caller}, authentication by API key, request budgets and the OpenAPI description.
 * Depends on tenancy and shared only, so every module with endpoints may depend on it.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy"})
package dev.bulwark.access;
