/**
 * Inbound billing (docs/billing.md): Stripe's signed subscription events set each organisation's plan and subscription
 * status, read back by the organisation's members. The webhook's signature is checked over the raw body before anything
 * is parsed; each event is applied once, never over a newer one, with its audit event in the same transaction. Depends
 * on access (the endpoints' declarations), audit, tenancy and shared.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "tenancy", "access", "audit"})
package dev.bulwark.billing;
