package dev.bulwark.web;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.micrometer.core.instrument.Metrics;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters go to the application context's registry, never to Micrometer's static global one (docs/observability.md):
 * a registry a failed context left there, or a gauge a second context registers again, must not reach a request.
 */
class ContextMetersTest {

    private static final ArchRule NO_GLOBAL_REGISTRY = noClasses().that().resideInAPackage("dev.bulwark..")
            .should().dependOnClassesThat().haveFullyQualifiedName(Metrics.class.getName())
            .because("meters are registered in the context's injected MeterRegistry");

    @Test
    void noApplicationClassUsesTheGlobalRegistry() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bulwark");
        NO_GLOBAL_REGISTRY.check(main);
    }

    @Test
    void theRuleCatchesAGlobalCounter() {
        JavaClasses planted = new ClassFileImporter().importClasses(GlobalCounter.class);
        assertThat(NO_GLOBAL_REGISTRY.evaluate(planted).hasViolation()).isTrue();
    }

    /** What the rule forbids. */
    static final class GlobalCounter {
        void count() {
            Metrics.counter("planted").increment();
        }
    }
}
