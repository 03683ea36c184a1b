/**
 * The console: server-rendered pages for people at {@code /console} (docs/console.md). It holds no power of its own:
 * every page reads, and every form changes, through the API's own endpoints, dispatched inside the process with the
 * person's cookie session, so each passes the same access gate, permission, step-up, validation and audit as a call
 * from outside.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"access", "web", "shared", "audit", "tenancy"})
package dev.bulwark.console;
