package dev.bulwark.web.internal;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API reads and writes JSON only (docs/api.md): whatever else a library brings onto the class path, an XML body is
 * a 415 problem, never bound. Spring Boot registers an XML converter as soon as Jackson's XML module is present (a test
 * dependency, the local S3 server, brings one); this drops every converter that speaks XML.
 */
@Configuration(proxyBeanMethods = false)
class JsonOnly implements WebMvcConfigurer {

    @Override
    @SuppressWarnings("deprecation")
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.removeIf(JsonOnly::speaksXml);
    }

    static boolean speaksXml(HttpMessageConverter<?> converter) {
        // Named XML types only: a converter of */* (bytes, strings) stays.
        return converter.getSupportedMediaTypes().stream()
                .anyMatch(type -> !type.isWildcardSubtype() && (type.getSubtype().equals("xml") || type.getSubtype().endsWith("+xml")));
    }
}
