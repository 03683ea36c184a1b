package dev.bulwark.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every audit type as an OCSF event, validated against the OCSF 1.3.0 schema of its class (the subsets in
 * src/test/resources/ocsf, written from the OCSF definitions) for every kind of actor, with and without an entity and a
 * client address; the validator refuses events that break the schema; and the event keeps the audit event's
 * identifiers and none of its data.
 */
class OcsfTest {

    private static final String BASE = "https://bulwark.dev/ocsf-subset/1.3.0/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix(BASE, "classpath:ocsf/")));
    private static final Map<Ocsf.OcsfClass, Schema> SCHEMAS = new EnumMap<>(Map.of(
            Ocsf.OcsfClass.AUTHENTICATION, schema("authentication.json"),
            Ocsf.OcsfClass.ACCOUNT_CHANGE, schema("account_change.json"),
            Ocsf.OcsfClass.API_ACTIVITY, schema("api_activity.json")));

    private static final UUID ORG = UUID.fromString("01900000-0000-7000-8000-0000000000aa");
    private static final String OCCURRED_AT = "2026-12-05T10:15:30.123456Z";

    private static Schema schema(String file) {
        return REGISTRY.getSchema(SchemaLocation.of(BASE + file));
    }

    private static List<Error> validate(JsonNode event) {
        Ocsf.OcsfClass ocsfClass = switch (event.get("class_uid").asInt()) {
            case 3001 -> Ocsf.OcsfClass.ACCOUNT_CHANGE;
            case 3002 -> Ocsf.OcsfClass.AUTHENTICATION;
            case 6003 -> Ocsf.OcsfClass.API_ACTIVITY;
            default -> throw new AssertionError("no schema for class " + event.get("class_uid"));
        };
        return SCHEMAS.get(ocsfClass).validate(event);
    }

    private static AuditRecord record(AuditType type, String actorType, String entityType, String ip) {
        JsonNode data = JsonNodeFactory.instance.objectNode().put("email", "secret-person@example.com");
        return new AuditRecord(UUID.fromString("01900000-0000-7000-8000-000000000001"), 42, OCCURRED_AT, type.dotted(),
                new AuditRecord.Party(actorType, actorType.equals("user") || actorType.equals("apikey") || actorType.equals("guest")
                        ? "01900000-0000-7000-8000-0000000000bb" : null),
                entityType == null ? new AuditRecord.Party(null, null)
                        : new AuditRecord.Party(entityType, "01900000-0000-7000-8000-0000000000cc"),
                "legal reason with personal data", ip, ip == null ? null : "Mozilla/5.0 (test)", ip == null ? null : "req-123",
                data, data, null, 2, "00ff", "abcd", "1111", "2222", "3333");
    }

    @Test
    void everyAuditTypeMapsToAClassAndValidatesAgainstItsSchemaWhoeverActed() {
        List<String> failures = new ArrayList<>();
        int validated = 0;
        for (AuditType type : AuditType.values()) {
            Ocsf.Mapping mapping = Ocsf.mapping(type);
            assertThat(mapping).as(type.dotted()).isNotNull();
            assertThat(SCHEMAS).as("a schema for %s's class", type.dotted()).containsKey(mapping.ocsfClass());
            for (String actor : List.of("user", "apikey", "system", "anonymous", "guest")) {
                for (String entity : new String[] {null, "member", "apikey", "invitation", "contact", "organisation", "guest"}) {
                    for (String ip : new String[] {null, "203.0.113.9"}) {
                        ObjectNode event = Ocsf.event(ORG, record(type, actor, entity, ip));
                        List<Error> errors = validate(event);
                        if (!errors.isEmpty()) {
                            failures.add(type.dotted() + " by " + actor + " on " + entity + ": " + errors + "\n" + event);
                        }
                        // A webhook's body: the same class and schema, without the client's address and user agent.
                        ObjectNode delivered = Ocsf.delivered(ORG, record(type, actor, entity, ip));
                        List<Error> deliveredErrors = validate(delivered);
                        if (!deliveredErrors.isEmpty()) {
                            failures.add("delivered " + type.dotted() + " by " + actor + " on " + entity + ": " + deliveredErrors
                                    + "\n" + delivered);
                        }
                        assertThat(delivered.toString()).as("a delivered body withholds the client's details")
                                .doesNotContain("203.0.113.9").doesNotContain("Mozilla");
                        assertThat(event.get("class_uid").asInt()).isEqualTo(mapping.ocsfClass().uid());
                        assertThat(event.get("activity_id").asInt()).isEqualTo(mapping.activityId());
                        assertThat(event.get("type_uid").asLong()).isEqualTo(mapping.ocsfClass().uid() * 100L + mapping.activityId());
                        validated++;
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(validated).isEqualTo(AuditType.values().length * 5 * 7 * 2);
    }

    /** The documented table is the mapping: one row per type, in the order of {@link AuditType}. */
    @Test
    void docsOcsfTablesEveryTypeAsMapped() throws Exception {
        List<String> expected = new ArrayList<>();
        for (AuditType type : AuditType.values()) {
            Ocsf.Mapping m = Ocsf.mapping(type);
            expected.add("| `%s` | %s | %s (%d) | %d %s | %d | %d | %s |".formatted(type.dotted(), type.category(),
                    m.ocsfClass().caption(), m.ocsfClass().uid(), m.activityId(), m.activityName(), m.typeUid(), m.severityId(),
                    m.statusId() == 1 ? "Success" : "Failure"));
        }
        List<String> documented = Files.readAllLines(Path.of("docs/ocsf.md")).stream()
                .filter(line -> line.matches("\\| `[a-z_.]+` \\| [A-Z_]+ \\|.*")).toList();
        assertThat(documented).as("docs/ocsf.md's table; expected:\n" + String.join("\n", expected)).isEqualTo(expected);
    }

    @Test
    void theClassesAreTheOnesTheirCategoriesCallFor() {
        assertThat(Ocsf.mapping(AuditType.LOGIN_SUCCEEDED)).isEqualTo(new Ocsf.Mapping(Ocsf.OcsfClass.AUTHENTICATION, 1, "Logon", 1, 1));
        assertThat(Ocsf.mapping(AuditType.LOGIN_FAILED).statusId()).isEqualTo(2);
        assertThat(Ocsf.mapping(AuditType.STEP_UP_FAILED).statusId()).isEqualTo(2);
        assertThat(Ocsf.mapping(AuditType.LOGOUT).activityId()).isEqualTo(2);
        assertThat(Ocsf.mapping(AuditType.PASSWORD_CHANGED)).isEqualTo(new Ocsf.Mapping(Ocsf.OcsfClass.ACCOUNT_CHANGE, 3, "Password Change", 1, 1));
        assertThat(Ocsf.mapping(AuditType.MFA_ENABLED).activityId()).isEqualTo(10);
        assertThat(Ocsf.mapping(AuditType.ACCOUNT_LOCKED).activityId()).isEqualTo(9);
        assertThat(Ocsf.mapping(AuditType.CONTACT_READ)).isEqualTo(new Ocsf.Mapping(Ocsf.OcsfClass.API_ACTIVITY, 2, "Read", 1, 1));
        assertThat(Ocsf.mapping(AuditType.CONTACT_DELETED).typeUid()).isEqualTo(600304L);
        for (AuditType type : AuditType.values()) {
            Ocsf.OcsfClass expected = switch (type.category()) {
                case LOGIN, LOGIN_FAILED, LOGOUT -> Ocsf.OcsfClass.AUTHENTICATION;
                case ACCESS_CHANGED -> Ocsf.OcsfClass.ACCOUNT_CHANGE;
                case CONFIG_CHANGED, DATA_WRITE, CUSTOMER_DATA_WRITE, CUSTOMER_DATA_ACCESSED, CUSTOMER_DATA_EXPORTED, AUDIT_ACCESSED ->
                        Ocsf.OcsfClass.API_ACTIVITY;
                // Per type: an account's credentials (Account Change) or the organisation's keys (API Activity); a
                // lock-out or leaked key (Account Change) or a reused token (Authentication).
                case CREDENTIAL_CHANGED, SECURITY_ALERT -> Ocsf.mapping(type).ocsfClass();
            };
            assertThat(Ocsf.mapping(type).ocsfClass()).as(type.dotted()).isEqualTo(expected);
        }
        assertThat(Ocsf.mapping(AuditType.ORG_KEYS_ROTATED).ocsfClass()).isEqualTo(Ocsf.OcsfClass.API_ACTIVITY);
        assertThat(Ocsf.mapping(AuditType.PASSWORD_RESET).ocsfClass()).isEqualTo(Ocsf.OcsfClass.ACCOUNT_CHANGE);
        assertThat(Ocsf.mapping(AuditType.TOKEN_REUSE_DETECTED).ocsfClass()).isEqualTo(Ocsf.OcsfClass.AUTHENTICATION);
        assertThat(Ocsf.mapping(AuditType.TOKEN_REUSE_DETECTED).severityId()).isEqualTo(4);
    }

    @Test
    void theEventCarriesTheAuditEventsIdentifiersAndNoneOfItsData() {
        AuditRecord record = record(AuditType.LOGIN_FAILED, "user", null, "203.0.113.9");
        ObjectNode event = Ocsf.event(ORG, record);
        assertThat(event.get("class_uid").asInt()).isEqualTo(3002);
        assertThat(event.get("category_uid").asInt()).isEqualTo(3);
        assertThat(event.get("type_uid").asLong()).isEqualTo(300201L);
        assertThat(event.get("status_id").asInt()).isEqualTo(2);
        assertThat(event.get("time").asLong()).isEqualTo(Instant.parse(OCCURRED_AT).toEpochMilli());
        JsonNode metadata = event.get("metadata");
        assertThat(metadata.get("uid").asString()).isEqualTo(record.id().toString());
        assertThat(metadata.get("sequence").asLong()).isEqualTo(42);
        assertThat(metadata.get("tenant_uid").asString()).isEqualTo(ORG.toString());
        assertThat(metadata.get("correlation_uid").asString()).isEqualTo("req-123");
        assertThat(metadata.get("version").asString()).isEqualTo("1.3.0");
        assertThat(metadata.get("product").get("name").asString()).isEqualTo("Bulwark");
        assertThat(metadata.get("event_code").asString()).isEqualTo("auth.login.failed");
        assertThat(event.get("actor").get("user").get("uid").asString()).isEqualTo(record.actor().id());
        assertThat(event.get("user").get("uid").asString()).isEqualTo(record.actor().id());
        assertThat(event.get("src_endpoint").get("ip").asString()).isEqualTo("203.0.113.9");
        assertThat(event.get("http_request").get("user_agent").asString()).isEqualTo("Mozilla/5.0 (test)");
        assertThat(event.get("unmapped").get("hash").asString()).isEqualTo("3333");
        assertThat(event.get("unmapped").get("prev_hash").asString()).isEqualTo("2222");
        assertThat(event.get("unmapped").get("seq").asLong()).isEqualTo(42);
        assertThat(event.toString()).doesNotContain("secret-person", "legal reason", "\"before\"", "\"after\"");

        ObjectNode byKey = Ocsf.event(ORG, record(AuditType.CONTACT_READ, "apikey", "contact", "203.0.113.9"));
        assertThat(byKey.get("actor").get("user").get("credential_uid").asString()).isEqualTo("01900000-0000-7000-8000-0000000000bb");
        assertThat(byKey.get("resources").get(0).get("uid").asString()).isEqualTo("01900000-0000-7000-8000-0000000000cc");
        assertThat(byKey.get("resources").get(0).get("type").asString()).isEqualTo("contact");
        assertThat(byKey.get("api").get("operation").asString()).isEqualTo("contact.read");

        ObjectNode memberRemoved = Ocsf.event(ORG, record(AuditType.MEMBER_REMOVED, "user", "member", null));
        assertThat(memberRemoved.get("user").get("uid").asString()).isEqualTo("01900000-0000-7000-8000-0000000000cc");
        ObjectNode bySystem = Ocsf.event(ORG, record(AuditType.ORG_PURGED, "system", "organisation", null));
        assertThat(bySystem.get("actor").get("app_name").asString()).isEqualTo("Bulwark");
        assertThat(bySystem.get("src_endpoint").get("svc_name").asString()).isEqualTo("bulwark");
        assertThat(bySystem.has("http_request")).isFalse();
    }

    @Test
    void theValidatorRefusesAnEventThatBreaksItsClassSchema() {
        ObjectNode login = Ocsf.event(ORG, record(AuditType.LOGIN_SUCCEEDED, "user", null, "203.0.113.9"));
        assertThat(validate(login)).isEmpty();

        ObjectNode noUser = login.deepCopy();
        noUser.remove("user");
        assertThat(validate(noUser)).isNotEmpty();

        ObjectNode noVendor = login.deepCopy();
        ((ObjectNode) noVendor.get("metadata").get("product")).remove("vendor_name");
        assertThat(validate(noVendor)).isNotEmpty();

        ObjectNode noTime = login.deepCopy();
        noTime.remove("time");
        assertThat(validate(noTime)).isNotEmpty();

        ObjectNode wrongType = login.deepCopy();
        wrongType.put("type_uid", 300202);
        assertThat(validate(wrongType)).isNotEmpty();

        ObjectNode unknownActivity = login.deepCopy();
        unknownActivity.put("activity_id", 7).put("type_uid", 300207);
        assertThat(validate(unknownActivity)).isNotEmpty();

        ObjectNode emptyUser = login.deepCopy();
        emptyUser.putObject("user").put("type_id", 1);
        assertThat(validate(emptyUser)).isNotEmpty();

        ObjectNode read = Ocsf.event(ORG, record(AuditType.AUDIT_READ, "user", "organisation", "203.0.113.9"));
        assertThat(validate(read)).isEmpty();
        ObjectNode noOperation = read.deepCopy();
        ((ObjectNode) noOperation.get("api")).remove("operation");
        assertThat(validate(noOperation)).isNotEmpty();
        ObjectNode noSource = read.deepCopy();
        noSource.remove("src_endpoint");
        assertThat(validate(noSource)).isNotEmpty();
        ObjectNode emptySource = read.deepCopy();
        emptySource.putObject("src_endpoint").put("port", 443);
        assertThat(validate(emptySource)).isNotEmpty();
        ObjectNode emptyResource = read.deepCopy();
        ArrayNode resources = emptyResource.putArray("resources");
        resources.addObject().put("type", "contact");
        assertThat(validate(emptyResource)).isNotEmpty();
        ObjectNode textTime = read.deepCopy();
        textTime.put("time", OCCURRED_AT);
        assertThat(validate(textTime)).isNotEmpty();
    }
}
