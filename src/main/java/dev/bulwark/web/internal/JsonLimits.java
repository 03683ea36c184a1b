package dev.bulwark.web.internal;

import dev.bulwark.web.HttpProperties;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;

/**
 * Jackson's read limits, tighter than its defaults: a body nested deeper than {@code bulwark.http.max-json-depth} or
 * holding a string longer than {@code bulwark.http.max-json-string-length} is refused while it is parsed (400), before
 * it can cost stack or memory. The body size limit (413) comes first.
 */
@Configuration(proxyBeanMethods = false)
class JsonLimits {

    @Bean
    JsonFactoryBuilderCustomizer readLimits(HttpProperties properties) {
        return builder -> builder.streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(properties.maxJsonDepth())
                .maxStringLength(properties.maxJsonStringLength())
                .build());
    }
}
