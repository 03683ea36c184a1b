package dev.bulwark.web.internal;

import dev.bulwark.shared.TextRules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Every JSON string a request carries is a JSON string (no number or boolean coerced into one) and is text: no NUL or other control character (tab, line feed and carriage
 * return excepted) and no unpaired surrogate. PostgreSQL cannot store a NUL at all, and the rest are how log
 * forging and parser confusion start; refusing them at the door makes them a 400 for one field, never a 500 deep
 * inside a write.
 */
@Configuration(proxyBeanMethods = false)
class TextGuard {

    @Bean
    JacksonModule textGuardModule() {
        return new SimpleModule("bulwark-text-guard").addDeserializer(String.class, new GuardedStrings());
    }

    /** Only a JSON string is a string (42 or true is a type error, not "42"), then the check. */
    static final class GuardedStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (String) ctxt.handleUnexpectedToken(String.class, p);
            }
            String value = p.getString();
            if (value != null && !TextRules.isText(value)) {
                throw ctxt.weirdStringException(value, String.class, NOT_TEXT);
            }
            return value;
        }
    }

    static final String NOT_TEXT = "contains a control character or an unpaired surrogate";
}
