package dev.bulwark.web.internal;

import dev.bulwark.access.OpenApiProblems;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the HTTP edge adds to every operation of the OpenAPI description: the problem schema, 413 for an oversized
 * body, and 429 with Retry-After on the endpoints under the per-address sign-in budget.
 */
@Configuration(proxyBeanMethods = false)
class EdgeDescription {

    @Bean
    OpenApiCustomizer edgeResponses() {
        return openApi -> {
            openApi.getComponents().addSchemas(OpenApiProblems.SCHEMA, OpenApiProblems.schema());
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                if (operation.getRequestBody() != null) {
                    responses(operation).putIfAbsent("413", OpenApiProblems.problem("The request body is over the size limit."));
                }
                if (AuthRateLimitFilter.guards(path)) {
                    responses(operation).putIfAbsent("429", OpenApiProblems.tooManyRequests(
                            "Over the per-address budget of the sign-in, MFA, signup and reset endpoints."));
                }
            }));
        };
    }

    private static ApiResponses responses(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        return operation.getResponses();
    }
}
