package dev.bulwark.workspace.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.bulwark.access.Caller;
import dev.bulwark.audit.AuditLog;
import dev.bulwark.audit.AuditType;
import dev.bulwark.audit.Entity;
import org.springframework.stereotype.Component;

/**
 * The workspace's events, appended inside the writing (or reading) transaction. Creation records the new state as
 * {@code after}; an update only the fields that changed, before and after; a deletion the state that went. Bodies
 * of documents and interactions are recorded by length only: the record says a body changed, the versions keep it.
 */
@Component
class WorkspaceAudit {

    /** Details every workspace record's events share: its version, and a body by its length (documents, interactions). */
    static final String VERSION = "version";
    static final String BODY_LENGTH = "bodyLength";

    private final AuditLog audit;

    WorkspaceAudit(AuditLog audit) {
        this.audit = audit;
    }

    void created(Caller caller, AuditType type, String entity, UUID id, Map<String, Object> after) {
        audit.callerAction(caller, type, Entity.of(entity, id), after);
    }

    void updated(Caller caller, AuditType type, String entity, UUID id, Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> is = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : after.entrySet()) {
            if (!Objects.equals(before.get(field.getKey()), field.getValue())) {
                was.put(field.getKey(), before.get(field.getKey()));
                is.put(field.getKey(), field.getValue());
            }
        }
        audit.callerAction(caller, type, Entity.of(entity, id), was, is);
    }

    void deleted(Caller caller, AuditType type, String entity, UUID id, Map<String, Object> before) {
        audit.callerAction(caller, type, Entity.of(entity, id), before, null);
    }

    /**
     * One {@code contact.read} per request that returned a contact's personal data (the contact itself, or its
     * interactions), naming exactly the records returned.
     */
    void contactsRead(Caller caller, UUID contactId, String listName, List<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        audit.callerDisclosure(caller, AuditType.CONTACT_READ, Entity.of("contact", contactId), Map.of(listName, ids));
    }

    /** A map that, unlike {@code Map.of}, keeps null values and the order given. */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
