package dev.bulwark.audit;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of event types (docs/audit-events.md), each in one category a SIEM can map. An event of any other
 * type is refused, so the catalogue in the docs is the whole truth.
 */
public enum AuditType {

    ORG_CREATED("org.created", Category.CONFIG_CHANGED),
    ORG_POLICY_UPDATED("org.policy.updated", Category.CONFIG_CHANGED),
    ORG_KEYS_ROTATED("org.keys.rotated", Category.CREDENTIAL_CHANGED),
    ORG_KEYS_KMS_SET("org.keys.kms_set", Category.CREDENTIAL_CHANGED),
    ORG_KEYS_KMS_REMOVED("org.keys.kms_removed", Category.CREDENTIAL_CHANGED),
    ORG_EXPORTED("org.exported", Category.CUSTOMER_DATA_EXPORTED),
    ORG_DELETION_REQUESTED("org.deletion.requested", Category.CONFIG_CHANGED),
    ORG_DELETION_CANCELLED("org.deletion.cancelled", Category.CONFIG_CHANGED),
    ORG_PURGED("org.purged", Category.CONFIG_CHANGED),

    RETENTION_POLICY_UPDATED("retention.policy.updated", Category.CONFIG_CHANGED),
    RETENTION_LEGAL_HOLD_UPDATED("retention.legal_hold.updated", Category.CONFIG_CHANGED),
    RETENTION_PURGED("retention.purged", Category.CUSTOMER_DATA_WRITE),
    PRIVACY_ACCESS_EXPORTED("privacy.access.exported", Category.CUSTOMER_DATA_EXPORTED),
    PRIVACY_ERASURE_COMPLETED("privacy.erasure.completed", Category.CUSTOMER_DATA_WRITE),

    LOGIN_SUCCEEDED("auth.login.succeeded", Category.LOGIN),
    LOGIN_FAILED("auth.login.failed", Category.LOGIN_FAILED),
    ACCOUNT_LOCKED("auth.account.locked", Category.SECURITY_ALERT),
    STEP_UP_SUCCEEDED("auth.step_up.succeeded", Category.LOGIN),
    STEP_UP_FAILED("auth.step_up.failed", Category.LOGIN_FAILED),
    LOGOUT("auth.logout", Category.LOGOUT),
    SESSION_REVOKED("auth.session.revoked", Category.LOGOUT),
    TOKEN_REUSE_DETECTED("auth.token.reuse_detected", Category.SECURITY_ALERT),
    MFA_ENABLED("auth.mfa.enabled", Category.CREDENTIAL_CHANGED),
    PASSKEY_ADDED("auth.passkey.added", Category.CREDENTIAL_CHANGED),
    PASSWORD_CHANGED("auth.password.changed", Category.CREDENTIAL_CHANGED),
    PASSWORD_RESET_REQUESTED("auth.password.reset_requested", Category.CREDENTIAL_CHANGED),
    PASSWORD_RESET("auth.password.reset", Category.CREDENTIAL_CHANGED),

    MEMBER_INVITED("member.invited", Category.ACCESS_CHANGED),
    MEMBER_INVITATION_REVOKED("member.invitation_revoked", Category.ACCESS_CHANGED),
    MEMBER_JOINED("member.joined", Category.ACCESS_CHANGED),
    MEMBER_ROLE_CHANGED("member.role_changed", Category.ACCESS_CHANGED),
    MEMBER_REMOVED("member.removed", Category.ACCESS_CHANGED),
    APIKEY_CREATED("apikey.created", Category.ACCESS_CHANGED),
    APIKEY_REVOKED("apikey.revoked", Category.ACCESS_CHANGED),
    APIKEY_LEAK_REPORTED("apikey.leak_reported", Category.SECURITY_ALERT),

    WEBHOOK_CREATED("webhook.created", Category.CONFIG_CHANGED),
    WEBHOOK_UPDATED("webhook.updated", Category.CONFIG_CHANGED),
    WEBHOOK_DELETED("webhook.deleted", Category.CONFIG_CHANGED),
    WEBHOOK_SECRET_ROTATED("webhook.secret_rotated", Category.CREDENTIAL_CHANGED),
    WEBHOOK_DISABLED("webhook.disabled", Category.CONFIG_CHANGED),

    PROJECT_CREATED("project.created", Category.DATA_WRITE),
    PROJECT_UPDATED("project.updated", Category.DATA_WRITE),
    PROJECT_DELETED("project.deleted", Category.DATA_WRITE),
    DOCUMENT_CREATED("document.created", Category.DATA_WRITE),
    DOCUMENT_UPDATED("document.updated", Category.DATA_WRITE),
    DOCUMENT_DELETED("document.deleted", Category.DATA_WRITE),
    DOCUMENT_PROMOTED("document.promoted", Category.DATA_WRITE),
    SIGNATURE_CHALLENGE_ISSUED("signature.challenge_issued", Category.DATA_WRITE),
    SIGNATURE_CREATED("signature.created", Category.DATA_WRITE),
    SIGNATURE_FAILED("signature.failed", Category.LOGIN_FAILED),
    SIGNATURE_LOCKED("signature.locked", Category.SECURITY_ALERT),
    SIGNATURE_CERTIFIED("signature.certified", Category.CREDENTIAL_CHANGED),
    CONTACT_CREATED("contact.created", Category.CUSTOMER_DATA_WRITE),
    CONTACT_READ("contact.read", Category.CUSTOMER_DATA_ACCESSED),
    CONTACT_UPDATED("contact.updated", Category.CUSTOMER_DATA_WRITE),
    CONTACT_DELETED("contact.deleted", Category.CUSTOMER_DATA_WRITE),
    INTERACTION_CREATED("interaction.created", Category.CUSTOMER_DATA_WRITE),
    INTERACTION_UPDATED("interaction.updated", Category.CUSTOMER_DATA_WRITE),
    INTERACTION_DELETED("interaction.deleted", Category.CUSTOMER_DATA_WRITE),

    AI_COMPLETION("ai.completion", Category.CUSTOMER_DATA_ACCESSED),
    AI_POLICY_UPDATED("ai.policy.updated", Category.CONFIG_CHANGED),
    AI_KEY_SET("ai.key.set", Category.CREDENTIAL_CHANGED),
    AI_KEY_REMOVED("ai.key.removed", Category.CREDENTIAL_CHANGED),
    AI_AUTO_SEND_DECIDED("ai.auto_send.decided", Category.DATA_WRITE),

    SSO_SUCCEEDED("auth.sso.succeeded", Category.LOGIN),
    SSO_FAILED("auth.sso.failed", Category.LOGIN_FAILED),
    SSO_CONFIGURED("sso.configured", Category.CONFIG_CHANGED),
    SSO_DOMAIN_VERIFIED("sso.domain.verified", Category.CONFIG_CHANGED),

    AUDIT_READ("audit.read", Category.AUDIT_ACCESSED),
    AUDIT_VERIFIED("audit.verified", Category.AUDIT_ACCESSED),
    AUDIT_EXPORTED("audit.exported", Category.CUSTOMER_DATA_EXPORTED),
    AUDIT_PURGED("audit.purged", Category.CONFIG_CHANGED),
    AUDIT_REDACTED("audit.redacted", Category.CONFIG_CHANGED),

    BILLING_SUBSCRIPTION_UPDATED("billing.subscription.updated", Category.CONFIG_CHANGED),

    GUEST_INVITED("guest.invited", Category.ACCESS_CHANGED),
    GUEST_SIGNED_IN("guest.signed_in", Category.LOGIN),
    GUEST_REVOKED("guest.revoked", Category.ACCESS_CHANGED);

    /** What kind of thing happened, coarser than the type. */
    public enum Category {
        LOGIN, LOGIN_FAILED, LOGOUT, SECURITY_ALERT, CREDENTIAL_CHANGED, ACCESS_CHANGED, CONFIG_CHANGED,
        DATA_WRITE, CUSTOMER_DATA_WRITE, CUSTOMER_DATA_ACCESSED, CUSTOMER_DATA_EXPORTED, AUDIT_ACCESSED
    }

    private static final Map<String, AuditType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(AuditType::dotted, Function.identity()));

    private final String dotted;
    private final Category category;

    AuditType(String dotted, Category category) {
        this.dotted = dotted;
        this.category = category;
    }

    /** The type as stored and shown ({@code contact.read}). */
    public String dotted() {
        return dotted;
    }

    public Category category() {
        return category;
    }

    /** The type named {@code dotted}; an unknown name is a programming error. */
    public static AuditType of(String dotted) {
        AuditType type = BY_NAME.get(dotted);
        if (type == null) {
            throw new IllegalArgumentException("not an audit event type: " + dotted);
        }
        return type;
    }

    /** The type named {@code dotted}, or null: for query filters. */
    public static AuditType find(String dotted) {
        return BY_NAME.get(dotted);
    }
}
