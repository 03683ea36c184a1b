package dev.bulwark.web.internal;

import java.time.Instant;
import java.util.Locale;

import dev.bulwark.shared.Rfc3339;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.Formatter;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How query parameters and path variables read as values: a time is an RFC 3339 date-time with a four-digit year
 * ({@link Rfc3339}), for every endpoint at once, so {@code from=-1000000000-01-01T00:00:00Z} is a field error
 * everywhere and never reaches a query.
 */
@Configuration(proxyBeanMethods = false)
class ParameterFormats implements WebMvcConfigurer {

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
}
