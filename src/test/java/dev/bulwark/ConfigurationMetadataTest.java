package dev.bulwark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 27, acceptance 2: every {@code bulwark.*} setting has configuration metadata with a description, so an IDE
 * completes and explains it. The settings are found independently of the metadata: every leaf of every
 * {@code @ConfigurationProperties} record under {@code dev.bulwark} (nested records walked), and every
 * {@code ${bulwark.…}} placeholder or {@code getProperty("bulwark.…")} read in the main sources.
 */
class ConfigurationMetadataTest {

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Map<String, JsonNode> properties = new LinkedHashMap<>();

    @BeforeAll
    static void read() throws IOException {
        assertThat(METADATA).as("the configuration processor ran at compile time").exists();
        JsonNode root = JsonMapper.builder().build().readTree(METADATA.toFile());
        root.get("properties").forEach(p -> properties.put(p.get("name").asString(), p));
    }

    @Test
    void everyBoundLeafHasADescriptionAndItsDefault() throws ClassNotFoundException {
        List<String> missing = new ArrayList<>();
        int leaves = 0;
        for (Class<?> type : propertyClasses()) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            if (prefix.isEmpty()) {
                prefix = type.getAnnotation(ConfigurationProperties.class).prefix();
            }
            assertThat(prefix).as(type.getName()).startsWith("bulwark.");
            assertThat(type.isRecord()).as(type + " is a record (constructor binding, @param descriptions)").isTrue();
            leaves += walk(prefix, type, missing);
        }
        assertThat(leaves).as("settings found").isGreaterThan(100);
        assertThat(missing).as("settings without metadata, a description or their default").isEmpty();
    }

    @Test
    void everySettingReadByNameHasADescription() throws IOException {
        Pattern read = Pattern.compile("\\$\\{(bulwark\\.[a-z0-9.-]+)[:}]|getProperty\\(\"(bulwark\\.[a-z0-9.-]+)\"");
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = read.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        assertThat(names).contains("bulwark.audit.declarations", "bulwark.keys.max-age");
        assertThat(names).allSatisfy(name -> assertThat(description(name)).as(name).isNotBlank());
    }

    @Test
    void everyBulwarkKeyOfTheShippedConfigurationIsKnown() throws IOException {
        // application.yml sets only known settings: a key spelled wrong there would be silently ignored.
        Pattern key = Pattern.compile("^( *)([a-z0-9-]+):");
        List<String> path = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.yml"))) {
            Matcher m = key.matcher(line);
            if (line.isBlank() || line.strip().startsWith("#") || !m.find()) {
                continue;
            }
            int depth = m.group(1).length() / 2;
            while (path.size() > depth) {
                path.removeLast();
            }
            path.add(m.group(2));
            String name = String.join(".", path);
            boolean leaf = !line.strip().endsWith(":");
            if (leaf && name.startsWith("bulwark.") && !properties.containsKey(name)) {
                unknown.add(name);
            }
        }
        assertThat(unknown).isEmpty();
    }

    private static int walk(String prefix, Class<?> type, List<String> missing) {
        int leaves = 0;
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            Class<?> child = component.getType();
            if (child.isRecord() && child.getName().startsWith("dev.bulwark.")) {
                leaves += walk(name, child, missing);
                continue;
            }
            leaves++;
            JsonNode meta = properties.get(name);
            if (meta == null) {
                missing.add(name + " (no metadata)");
                continue;
            }
            if (meta.path("description").asString("").isBlank()) {
                missing.add(name + " (no description)");
            }
            DefaultValue declared = component.getAnnotation(DefaultValue.class);
            boolean hasDefault = declared != null && declared.value().length > 0 && !String.join("", declared.value()).isEmpty();
            if (hasDefault && !meta.has("defaultValue")) {
                missing.add(name + " (no default)");
            }
        }
        return leaves;
    }

    private static String description(String name) {
        JsonNode meta = properties.get(name);
        return meta == null ? null : meta.path("description").asString("");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<Class<?>> propertyClasses() throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> types = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("dev.bulwark")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            // Settings of the test sources (the example module of docs/extending.md) are not processed into the jar.
            if (!type.getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes")) {
                types.add(type);
            }
        }
        assertThat(types).hasSizeGreaterThan(15);
        return types;
    }
}
