package dev.bulwark.audit;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.bulwark.IntegrationTest;
import dev.bulwark.audit.Audited;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance 1 of the audit log: every state-changing endpoint declares its event type, and a call leaves exactly
 * that trail. The declarations are checked on every request of the whole suite (strict mode, see IntegrationTest);
 * this test holds the rule itself and spells one endpoint's trail out field by field.
 */
class AuditDeclarationTest extends IntegrationTest {

    private static final Set<RequestMethod> MUTATING = Set.of(RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH,
            RequestMethod.DELETE);

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Test
    void everyStateChangingEndpointDeclaresWhatItRecords() {
        List<String> problems = new ArrayList<>();
        int mutating = 0;
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            if (entry.getKey().getMethodsCondition().getMethods().stream().noneMatch(MUTATING::contains)) {
                continue;
            }
            mutating++;
            String name = entry.getKey() + " " + entry.getValue().getMethod().getName();
            Audited audited = entry.getValue().getMethodAnnotation(Audited.class);
            if (audited == null) {
                problems.add(name + ": no @Audited");
                continue;
            }
            if ((audited.value().length == 0) == audited.none().isBlank()) {
                problems.add(name + ": names event types or says why it records none, exactly one of the two");
            }
            if (!audited.unless().isBlank() && audited.value().length == 0) {
                problems.add(name + ": 'unless' without event types");
            }
        }
        assertThat(mutating).as("state-changing endpoints found").isGreaterThanOrEqualTo(37);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyEventTypeIsInThisCatalogue() throws Exception {
        String catalogue = java.nio.file.Files.readString(java.nio.file.Path.of("docs/audit-events.md"));
        for (AuditType type : AuditType.values()) {
            String dotted = type.dotted();
            String family = dotted.substring(0, dotted.lastIndexOf('.'));
            String suffix = dotted.substring(dotted.lastIndexOf('.'));
            // A row names the type, or its family with the suffix (`project.created` / `.updated` / `.deleted`).
            assertThat(catalogue.contains("`" + dotted + "`")
                    || catalogue.lines().anyMatch(l -> l.contains("`" + family + ".") && l.contains("`" + suffix + "`")))
                    .as(dotted + " in docs/audit-events.md").isTrue();
            assertThat(catalogue).contains(type.category().name());
        }
    }

    @Test
    void aContactCreatedLeavesExactlyOneEventWithActorIpAndRequestIdAndAFailedWriteLeavesNone() throws Exception {
        Tenant tenant = newTenant();
        String requestId = "decl-" + UUID.randomUUID();
        HttpResponse<String> created = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(),
                json.writeValueAsString(Map.of("name", "Grace Hopper", "email", "grace@example.com")), "X-Request-Id", requestId);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode contact = body(created);
        List<Map<String, Object>> events = auditEvents(tenant.id(), "contact.created");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.get("actor_type")).isEqualTo("user");
            assertThat(e.get("actor_id")).isEqualTo(tenant.owner().id());
            assertThat(e.get("ip")).isEqualTo("127.0.0.1");
            assertThat(e.get("request_id")).isEqualTo(requestId);
            assertThat(e.get("entity_type")).isEqualTo("contact");
            assertThat(e.get("entity_id")).isEqualTo(contact.get("id").asString());
        });

        List<String> before = tenantRows(tenant.id());
        HttpResponse<String> stale = call("PATCH", "/api/v1/orgs/" + tenant.id() + "/contacts/" + contact.get("id").asString(),
                tenant.owner(), "{\"name\":\"G. Hopper\"}", "If-Match", "\"999\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        HttpResponse<String> invalid = call("POST", "/api/v1/orgs/" + tenant.id() + "/contacts", tenant.owner(), "{\"name\":\"\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(tenantRows(tenant.id())).as("failed writes leave no event and change nothing").isEqualTo(before);
        assertThat(eventsOfType(tenant.id(), "contact.updated")).isZero();
    }
}
