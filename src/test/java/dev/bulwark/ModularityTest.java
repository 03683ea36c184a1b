package dev.bulwark;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/** The module structure of docs/architecture.md holds: no module reaches into another's internals, no cycles. */
class ModularityTest {

    private final ApplicationModules modules = ApplicationModules.of(BulwarkApplication.class);

    @Test
    void modulesOnlyUseEachOthersPublicTypes() {
        modules.verify();
    }

    @Test
    void moduleDiagramShowsEveryModule() throws Exception {
        // Regenerated on every build into target/spring-modulith-docs; docs/modules.md carries a copy.
        new Documenter(modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
        String diagram = Files.readString(Path.of("target/spring-modulith-docs/components.puml"));
        assertThat(diagram).containsIgnoringCase("tenancy").containsIgnoringCase("identity").containsIgnoringCase("web");
    }
}
