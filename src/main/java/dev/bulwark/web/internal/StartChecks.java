package dev.bulwark.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Checks every {@code bulwark.*} setting as soon as the configuration is read, before any bean exists and so before the
 * database starts: each {@code @ConfigurationProperties} record of Bulwark is bound once here, so a bad value stops the
 * start with Spring Boot's "Failed to bind properties under 'bulwark.…'" report naming the setting and the reason
 * (each record's constructor states its bounds). With the {@code prod} profile, the development conveniences of
 * {@link ProductionChecklist} refuse the start too. Registered in {@code META-INF/spring.factories}.
 */
public class StartChecks implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        Binder binder = Binder.get(environment);
        for (Class<?> type : propertyClasses(event.getSpringApplication().getClassLoader())) {
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.value().isEmpty() ? annotation.prefix() : annotation.value();
            binder.bindOrCreate(prefix, Bindable.of(type));
        }
        if (ProductionChecklist.production(environment)) {
            List<String> gaps = ProductionChecklist.gaps(environment);
            if (!gaps.isEmpty()) {
                throw new ProductionRefusedException(gaps);
            }
        }
    }

    /** After Boot's own listeners: configuration read and logging set up, so the refusal is reported as usual. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Where the settings records are listed, one class name a line ({@code #} starts a comment). */
    static final String LIST = "META-INF/bulwark/settings-classes.txt";

    /**
     * Bulwark's settings records, from {@link #LIST}. A list kept by hand rather than a class-path scan: scanning the
     * application's classes for the annotation cost about a second of every start; {@code StartChecksTest} scans them
     * and fails when the list differs.
     */
    static List<Class<?>> propertyClasses(ClassLoader loader) {
        ClassLoader classes = loader != null ? loader : ClassUtils.getDefaultClassLoader();
        try (InputStream in = classes.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IllegalStateException(LIST + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .<Class<?>>map(name -> ClassUtils.resolveClassName(name, classes))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code prod} profile is active and a development convenience is still in place. */
    public static final class ProductionRefusedException extends RuntimeException {

        private final List<String> gaps;

        ProductionRefusedException(List<String> gaps) {
            super("the prod profile is active, but " + String.join("; ", gaps));
            this.gaps = List.copyOf(gaps);
        }

        public List<String> gaps() {
            return gaps;
        }
    }
}
