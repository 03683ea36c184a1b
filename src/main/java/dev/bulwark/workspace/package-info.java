/** The workspace every product builds on: projects, documents (versioned), contacts and interactions, encrypted per organisation, each change and each disclosure of personal data in the audit chain. */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "keys", "access", "audit"})
package dev.bulwark.workspace;
