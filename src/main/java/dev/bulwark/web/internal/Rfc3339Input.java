package dev.bulwark.web.internal;

import java.time.Instant;
import java.util.Locale;

import dev.bulwark.shared.Rfc3339;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.Formatter;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Every time a request carries — a query parameter, a path variable, a JSON field — is an RFC 3339 date-time with an
 * offset and a four-digit year ({@link Rfc3339}), for every endpoint at once: {@code from=-1000000000-01-01T00:00:00Z}
 * or {@code "expiresAt": "+300000-01-01T00:00:00Z"} is a field error, never a query PostgreSQL refuses; an epoch
 * number is a type error, not a time.
 */
@Configuration(proxyBeanMethods = false)
class Rfc3339Input implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        // Registered after Spring's own, so it is the one used; as a Formatter, an empty parameter still reads as absent.
        registry.addFormatterForFieldType(Instant.class, new Formatter<Instant>() {
            @Override
            public Instant parse(String text, Locale locale) {
                return Rfc3339.parse(text);
            }

            @Override
            public String print(Instant instant, Locale locale) {
                return instant.toString();
            }
        });
    }

    @Bean
    JacksonModule rfc3339Module() {
        return new SimpleModule("bulwark-rfc3339").addDeserializer(Instant.class, new Instants());
    }

    static final class Instants extends StdScalarDeserializer<Instant> {

        Instants() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Rfc3339.parse(p.getString());
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(p.getString(), Instant.class, Rfc3339.RULE);
            }
        }
    }
}
