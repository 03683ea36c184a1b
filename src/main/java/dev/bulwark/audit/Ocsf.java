package dev.bulwark.audit;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An audit event as an OCSF 1.3.0 event (docs/ocsf.md), for SIEMs that read the Open Cybersecurity Schema Framework.
 * Every {@link AuditType} maps to one class and activity: Authentication (3002) for sign-ins, step-ups and sign-outs,
 * Account Change (3001) for what changes an account, a membership or an API key, API Activity (6003) for everything
 * done to the organisation's configuration and data. The switch below is exhaustive, so a type added without its
 * class does not compile, and {@code OcsfTest} validates every type's event against the class's schema.
 *
 * <p>The event carries the audit event's identifiers (id, seq, hash, organisation, request id, actor, entity, time) and
 * never its {@code before}/{@code after} or its reason, which may hold personal data or free text.
 */
public final class Ocsf {

    /** The OCSF version the events follow ({@code metadata.version}). */
    public static final String VERSION = "1.3.0";

    /** The OCSF classes Bulwark's events map to. */
    public enum OcsfClass {
        ACCOUNT_CHANGE(3001, "Account Change", 3, "Identity & Access Management"),
        AUTHENTICATION(3002, "Authentication", 3, "Identity & Access Management"),
        API_ACTIVITY(6003, "API Activity", 6, "Application Activity");

        private final int uid;
        private final String caption;
        private final int categoryUid;
        private final String categoryName;

        OcsfClass(int uid, String caption, int categoryUid, String categoryName) {
            this.uid = uid;
            this.caption = caption;
            this.categoryUid = categoryUid;
            this.categoryName = categoryName;
        }

        public int uid() {
            return uid;
        }

        public String caption() {
            return caption;
        }

        public int categoryUid() {
            return categoryUid;
        }
    }

    /** Where one audit type lands: class, activity (id and OCSF caption), severity and status. */
    public record Mapping(OcsfClass ocsfClass, int activityId, String activityName, int severityId, int statusId) {

        /** {@code class_uid * 100 + activity_id}, as OCSF defines it. */
        public long typeUid() {
            return ocsfClass.uid() * 100L + activityId;
        }
    }

    static final int INFORMATIONAL = 1;
    static final int LOW = 2;
    static final int MEDIUM = 3;
    static final int HIGH = 4;
    static final int SUCCESS = 1;
    static final int FAILURE = 2;

    private static final String[] SEVERITIES = {"Unknown", "Informational", "Low", "Medium", "High", "Critical", "Fatal"};

    private Ocsf() {
    }

    /** The class and activity of {@code type}: total over {@link AuditType} (the switch has no default). */
    public static Mapping mapping(AuditType type) {
        return switch (type) {
            case LOGIN_SUCCEEDED, STEP_UP_SUCCEEDED -> auth(1, "Logon", INFORMATIONAL, SUCCESS);
            case LOGIN_FAILED, STEP_UP_FAILED -> auth(1, "Logon", LOW, FAILURE);
            // A spent refresh token presented again: a failed authentication, and a sign of a stolen token.
            case TOKEN_REUSE_DETECTED -> auth(1, "Logon", HIGH, FAILURE);
            case LOGOUT, SESSION_REVOKED -> auth(2, "Logoff", INFORMATIONAL, SUCCESS);
            // A sign-in through the organisation's identity provider (single sign-on), and one it refused.
            case SSO_SUCCEEDED -> auth(1, "Logon", INFORMATIONAL, SUCCESS);
            case SSO_FAILED -> auth(1, "Logon", LOW, FAILURE);
            case SSO_CONFIGURED, SSO_DOMAIN_VERIFIED -> api(3, "Update");

            case ACCOUNT_LOCKED -> account(9, "Lock", MEDIUM);
            // A wrong signing component is a failed re-authentication; the third in 15 minutes locks signing (an alert).
            case SIGNATURE_FAILED -> auth(1, "Logon", LOW, FAILURE);
            case SIGNATURE_LOCKED -> account(9, "Lock", HIGH);
            // The first-use certification (11.100(c)) is a change to what the account may do: an account change.
            case SIGNATURE_CERTIFIED -> account(99, "Certify Signature", INFORMATIONAL);
            case MFA_ENABLED, PASSKEY_ADDED -> account(10, "MFA Factor Enable", INFORMATIONAL);
            case PASSWORD_CHANGED -> account(3, "Password Change", INFORMATIONAL);
            case PASSWORD_RESET_REQUESTED, PASSWORD_RESET -> account(4, "Password Reset", INFORMATIONAL);
            case MEMBER_INVITED -> account(99, "Invite", INFORMATIONAL);
            case MEMBER_INVITATION_REVOKED -> account(99, "Revoke Invitation", INFORMATIONAL);
            case MEMBER_JOINED, APIKEY_CREATED -> account(1, "Create", INFORMATIONAL);
            case MEMBER_ROLE_CHANGED -> account(7, "Attach Policy", INFORMATIONAL);
            case MEMBER_REMOVED -> account(6, "Delete", INFORMATIONAL);
            case APIKEY_REVOKED -> account(5, "Disable", INFORMATIONAL);
            // A key reported leaked is revoked at once.
            case APIKEY_LEAK_REPORTED -> account(5, "Disable", HIGH);
            // A guest of a project's portal: invited (or mailed a fresh link), signed in by a magic link, revoked.
            case GUEST_INVITED -> account(99, "Invite", INFORMATIONAL);
            case GUEST_SIGNED_IN -> auth(1, "Logon", INFORMATIONAL, SUCCESS);
            case GUEST_REVOKED -> account(5, "Disable", INFORMATIONAL);

            // A completion is made (and its receipt written); the organisation's provider keys are its own configuration.
            case AI_COMPLETION -> api(1, "Create");
            // The decision is a record of its own (the receipt of a product's choice to send or hold an answer).
            case AI_AUTO_SEND_DECIDED -> api(1, "Create");
            case AI_KEY_REMOVED -> api(4, "Delete");
            case SIGNATURE_CHALLENGE_ISSUED, SIGNATURE_CREATED -> api(1, "Create");
            case DOCUMENT_PROMOTED -> api(3, "Update");
            case ORG_CREATED, WEBHOOK_CREATED, PROJECT_CREATED, DOCUMENT_CREATED, CONTACT_CREATED, INTERACTION_CREATED -> api(1, "Create");
            case ORG_EXPORTED, PRIVACY_ACCESS_EXPORTED, CONTACT_READ, AUDIT_READ, AUDIT_VERIFIED, AUDIT_EXPORTED -> api(2, "Read");
            case ORG_POLICY_UPDATED, ORG_KEYS_ROTATED, ORG_KEYS_KMS_SET, ORG_KEYS_KMS_REMOVED, ORG_DELETION_CANCELLED,
                 RETENTION_POLICY_UPDATED, RETENTION_LEGAL_HOLD_UPDATED, PROJECT_UPDATED, DOCUMENT_UPDATED, CONTACT_UPDATED,
                 INTERACTION_UPDATED, AUDIT_REDACTED, BILLING_SUBSCRIPTION_UPDATED, AI_POLICY_UPDATED, AI_KEY_SET, WEBHOOK_UPDATED, WEBHOOK_SECRET_ROTATED,
                 WEBHOOK_DISABLED -> api(3, "Update");
            case ORG_DELETION_REQUESTED, ORG_PURGED, RETENTION_PURGED, PRIVACY_ERASURE_COMPLETED, PROJECT_DELETED, DOCUMENT_DELETED,
                 CONTACT_DELETED, INTERACTION_DELETED, AUDIT_PURGED, WEBHOOK_DELETED -> api(4, "Delete");
        };
    }

    private static Mapping auth(int activity, String name, int severity, int status) {
        return new Mapping(OcsfClass.AUTHENTICATION, activity, name, severity, status);
    }

    private static Mapping account(int activity, String name, int severity) {
        return new Mapping(OcsfClass.ACCOUNT_CHANGE, activity, name, severity, SUCCESS);
    }

    private static Mapping api(int activity, String name) {
        return new Mapping(OcsfClass.API_ACTIVITY, activity, name, INFORMATIONAL, SUCCESS);
    }

    /** {@code record} of organisation {@code orgId}'s chain as an OCSF event of its class. */
    public static ObjectNode event(UUID orgId, AuditRecord record) {
        return event(orgId, record, true);
    }

    /**
     * The same event for a webhook delivery, which carries identifiers and metadata but never personal data: the
     * client's IP address and user agent are withheld, and the source endpoint (which API Activity requires) is named
     * {@code withheld} when the event had a client address.
     */
    public static ObjectNode delivered(UUID orgId, AuditRecord record) {
        return event(orgId, record, false);
    }

    private static ObjectNode event(UUID orgId, AuditRecord record, boolean clientDetails) {
        AuditType type = AuditType.of(record.type());
        Mapping mapping = mapping(type);
        OcsfClass ocsfClass = mapping.ocsfClass();
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode event = nodes.objectNode();

        event.put("class_uid", ocsfClass.uid());
        event.put("class_name", ocsfClass.caption);
        event.put("category_uid", ocsfClass.categoryUid());
        event.put("category_name", ocsfClass.categoryName);
        event.put("activity_id", mapping.activityId());
        event.put("activity_name", mapping.activityName());
        event.put("type_uid", mapping.typeUid());
        event.put("type_name", ocsfClass.caption + ": " + mapping.activityName());
        event.put("severity_id", mapping.severityId());
        event.put("severity", SEVERITIES[mapping.severityId()]);
        event.put("status_id", mapping.statusId());
        event.put("status", mapping.statusId() == SUCCESS ? "Success" : "Failure");
        event.put("time", Instant.parse(record.occurredAt()).toEpochMilli());
        event.put("timezone_offset", 0);
        event.put("message", record.type());

        ObjectNode metadata = event.putObject("metadata");
        metadata.put("version", VERSION);
        metadata.put("uid", record.id().toString());
        if (record.seq() <= Integer.MAX_VALUE) {
            // OCSF's sequence is a 32-bit integer; the exact seq is in unmapped either way.
            metadata.put("sequence", (int) record.seq());
        }
        metadata.put("tenant_uid", orgId.toString());
        if (record.requestId() != null) {
            metadata.put("correlation_uid", record.requestId());
        }
        metadata.put("event_code", record.type());
        metadata.put("log_name", "audit");
        metadata.put("log_provider", "Bulwark");
        metadata.put("original_time", record.occurredAt());
        metadata.putObject("product").put("name", "Bulwark").put("vendor_name", "Bulwark");

        event.set("actor", actor(record.actor()));
        event.set("src_endpoint", record.ip() == null
                // Bulwark's own work (scheduled, or no client address known): the source is Bulwark itself.
                ? nodes.objectNode().put("svc_name", "bulwark")
                : clientDetails ? nodes.objectNode().put("ip", record.ip()) : nodes.objectNode().put("name", "withheld"));
        if ((clientDetails && record.userAgent() != null) || record.requestId() != null) {
            ObjectNode http = event.putObject("http_request");
            if (clientDetails && record.userAgent() != null) {
                http.put("user_agent", record.userAgent());
            }
            if (record.requestId() != null) {
                http.put("uid", record.requestId());
            }
        }

        AuditRecord.Party entity = record.entity();
        boolean hasEntity = entity != null && entity.id() != null;
        switch (ocsfClass) {
            case AUTHENTICATION -> event.set("user", actorAsUser(record.actor()));
            case ACCOUNT_CHANGE -> event.set("user", hasEntity ? entityAsUser(entity) : actorAsUser(record.actor()));
            case API_ACTIVITY -> {
                ObjectNode api = event.putObject("api");
                api.put("operation", record.type());
                api.putObject("service").put("name", "Bulwark");
                if (record.requestId() != null) {
                    api.putObject("request").put("uid", record.requestId());
                }
                if (hasEntity) {
                    event.putArray("resources").addObject().put("uid", entity.id()).put("type", entity.type());
                }
            }
        }

        ObjectNode unmapped = event.putObject("unmapped");
        unmapped.put("seq", record.seq());
        unmapped.put("hash", record.hash());
        unmapped.put("prev_hash", record.prevHash());
        unmapped.put("actor_type", record.actor().type());
        if (entity != null && entity.type() != null) {
            unmapped.put("entity_type", entity.type());
            unmapped.put("entity_id", entity.id());
        }
        return event;
    }

    /** Who acted: a person, an API key (its id is the credential), a portal guest, Bulwark itself, or nobody known. */
    private static ObjectNode actor(AuditRecord.Party actor) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (actor.type().equals("system")) {
            node.put("app_name", "Bulwark");
        } else {
            node.set("user", actorAsUser(actor));
        }
        return node;
    }

    private static ObjectNode actorAsUser(AuditRecord.Party actor) {
        ObjectNode user = JsonNodeFactory.instance.objectNode();
        switch (actor.type()) {
            case "user" -> user.put("uid", actor.id()).put("type_id", 1).put("type", "User");
            case "apikey" -> user.put("uid", actor.id()).put("credential_uid", actor.id()).put("type_id", 99).put("type", "API Key");
            case "guest" -> user.put("uid", actor.id()).put("type_id", 99).put("type", "Guest");
            case "system" -> user.put("name", "bulwark").put("type_id", 3).put("type", "System");
            default -> user.put("name", "anonymous").put("type_id", 0).put("type", "Unknown");
        }
        return user;
    }

    /** The account an Account Change is about: a member (a user), an API key or an invitation. */
    private static ObjectNode entityAsUser(AuditRecord.Party entity) {
        ObjectNode user = JsonNodeFactory.instance.objectNode().put("uid", entity.id());
        return switch (entity.type()) {
            case "member", "user" -> user.put("type_id", 1).put("type", "User");
            case "apikey" -> user.put("credential_uid", entity.id()).put("type_id", 99).put("type", "API Key");
            default -> user.put("type_id", 99).put("type", capitalised(entity.type()));
        };
    }

    private static String capitalised(String word) {
        return word == null || word.isEmpty() ? "Other" : Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
