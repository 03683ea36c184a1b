package dev.bulwark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module map of docs/modules.md is the code's: every module declares the modules it may depend on
 * ({@code allowedDependencies} in its package-info), {@code verify()} fails on any other dependency, on a cycle and on
 * a reach into another module's internals, and the diagram in docs/modules.md is the one Spring Modulith generates.
 */
class ModularityTest {

    private static final Path DOC = Path.of("docs/modules.md");
    private static final Pattern DIAGRAM = Pattern.compile("```plantuml\n(.*?)```", Pattern.DOTALL);

    private final ApplicationModules modules = ApplicationModules.of(BulwarkApplication.class);

    @Test
    void modulesOnlyUseWhatTheyDeclare() {
        modules.verify();
    }

    @Test
    void everyModuleDeclaresItsAllowedDependencies() throws IOException {
        List<String> undeclared = new ArrayList<>();
        for (ApplicationModule module : modules) {
            String name = module.getIdentifier().toString();
            Path info = Path.of("src/main/java/dev/bulwark", name, "package-info.java");
            String text = Files.exists(info) ? Files.readString(info) : "";
            if (!text.contains("allowedDependencies") && !text.contains("Type.OPEN")) {
                undeclared.add(name);
            }
        }
        assertThat(undeclared).as("modules without allowedDependencies (or an open module's declaration)").isEmpty();
    }

    /**
     * Generates the diagram and compares it with the one committed in docs/modules.md. When they differ the test
     * writes the generated one there (commit it) and fails, so the committed map never drifts from the code.
     */
    @Test
    void theCommittedDiagramIsTheGeneratedOne() throws IOException {
        new Documenter(modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
        String generated = normalised(Files.readString(Path.of("target/spring-modulith-docs/components.puml")));
        String doc = Files.readString(DOC);
        Matcher committed = DIAGRAM.matcher(doc);
        assertThat(committed.find()).as("docs/modules.md holds a plantuml diagram").isTrue();
        if (!committed.group(1).equals(generated)) {
            Files.writeString(DOC, doc.substring(0, committed.start(1)) + generated + doc.substring(committed.end(1)));
        }
        assertThat(committed.group(1)).as("docs/modules.md's diagram is stale: the test wrote the generated one, commit it")
                .isEqualTo(generated);
    }

    /** The generated diagram in a stable order: Spring Modulith lists modules and relations in no fixed order. */
    private static String normalised(String puml) {
        List<String> head = new ArrayList<>();
        List<String> components = new ArrayList<>();
        List<String> relations = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        for (String line : puml.strip().split("\n")) {
            if (line.strip().startsWith("Component(")) {
                components.add(line);
            } else if (line.startsWith("Rel(")) {
                relations.add(line);
            } else if (components.isEmpty()) {
                head.add(line);
            } else {
                tail.add(line);
            }
        }
        components.sort(null);
        relations.sort(null);
        List<String> closing = tail.stream().filter(l -> !l.isBlank()).toList();
        List<String> out = new ArrayList<>(head);
        out.addAll(components);
        int split = closing.indexOf("@enduml");
        out.addAll(closing.subList(0, split));
        out.add("");
        out.addAll(relations);
        out.add("@enduml");
        return String.join("\n", out) + "\n";
    }
}
