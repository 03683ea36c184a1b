package dev.bulwark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.params.ParameterizedTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/asvs.md, the ASVS 5.0 Level 2 map, stays true to the code: every test it names exists and is a test, every page
 * it links exists, every row has one of the three statuses and a reason, every requirement appears once, and the
 * totals add up. A renamed or deleted test breaks the build here, not the map's credibility later.
 */
class AsvsMapTest {

    private static final Path MAP = Path.of("docs", "asvs.md");
    private static final Path TESTS = Path.of("src", "test", "java");
    /** ASVS 5.0.0 has 70 Level 1 and 183 Level 2 requirements: Level 2 asks for all 253. */
    private static final int LEVEL_2_REQUIREMENTS = 253;
    private static final Set<String> STATUSES = Set.of("met", "not met", "not applicable");

    private static final Pattern ROW = Pattern.compile("^\\| V(\\d+)\\.(\\d+)\\.(\\d+) \\|(.*)\\|\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^\\| V(\\d+) [^|]+\\| (\\d+) \\| (\\d+) \\| (\\d+) \\|$");
    private static final Pattern TEST_REFERENCE = Pattern.compile("`([A-Z][A-Za-z0-9]*)#([a-z][A-Za-z0-9]*)`");
    private static final Pattern PAGE_LINK = Pattern.compile("\\]\\(([^)#]+\\.md)(#[^)]*)?\\)");

    private record Row(String id, int chapter, String requirement, String status, String evidence) {
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(MAP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : lines()) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String[] cells = m.group(4).split("\\|", -1);
                assertThat(cells).as("id, requirement, status, evidence: %s", line).hasSize(3);
                rows.add(new Row(m.group(1) + "." + m.group(2) + "." + m.group(3), Integer.parseInt(m.group(1)),
                        cells[0].strip(), cells[1].strip(), cells[2].strip()));
            }
        }
        return rows;
    }

    /** Test classes under src/test/java by simple name (simple names are unique there). */
    private static Map<String, String> testClasses() {
        Map<String, String> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(TESTS)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String name = TESTS.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".").replaceAll("\\.java$", "");
                String previous = classes.put(f.getFileName().toString().replaceAll("\\.java$", ""), name);
                assertThat(previous).as("two test classes named like %s", name).isNull();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    /** Why {@code simpleName#method} names no test: empty when it names one. */
    static Optional<String> missing(String simpleName, String method, Map<String, String> classes) {
        String name = classes.get(simpleName);
        if (name == null) {
            return Optional.of("no test class " + simpleName + " under " + TESTS);
        }
        Class<?> type;
        try {
            type = Class.forName(name);
        } catch (ClassNotFoundException e) {
            return Optional.of(name + " is not compiled");
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class)
                        || m.isAnnotationPresent(TestTemplate.class))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(name + " has no test method " + method);
    }

    @Test
    void everyTestTheMapNamesExistsAndIsATest() {
        Map<String, String> classes = testClasses();
        List<String> broken = new ArrayList<>();
        int named = 0;
        for (Row row : rows()) {
            Matcher m = TEST_REFERENCE.matcher(row.evidence());
            while (m.find()) {
                named++;
                missing(m.group(1), m.group(2), classes).ifPresent(why -> broken.add("V" + row.id() + ": " + why));
            }
        }
        assertThat(broken).as("tests named in %s", MAP).isEmpty();
        assertThat(named).isGreaterThan(150);
    }

    @Test
    void theCheckCatchesATestThatDoesNotExist() {
        Map<String, String> classes = testClasses();
        assertThat(missing("AsvsMapTest", "everyTestTheMapNamesExistsAndIsATest", classes)).isEmpty();
        assertThat(missing("NoSuchTest", "anything", classes)).isPresent();
        assertThat(missing("AsvsMapTest", "noSuchMethod", classes)).isPresent();
        assertThat(missing("AsvsMapTest", "rows", classes)).as("a method that is not a test").isPresent();
    }

    @Test
    void everyPageTheMapLinksExists() {
        List<String> broken = new ArrayList<>();
        for (String line : lines()) {
            Matcher m = PAGE_LINK.matcher(line);
            while (m.find()) {
                if (!Files.isRegularFile(MAP.getParent().resolve(m.group(1)))) {
                    broken.add(m.group(1));
                }
            }
        }
        assertThat(broken).as("pages linked from %s", MAP).isEmpty();
    }

    @Test
    void everyLevel2RequirementHasOneRowWithAStatusAndItsReason() {
        List<Row> rows = rows();
        assertThat(rows).hasSize(LEVEL_2_REQUIREMENTS);
        Set<String> ids = new HashSet<>();
        for (Row row : rows) {
            assertThat(ids.add(row.id())).as("V%s listed twice", row.id()).isTrue();
            assertThat(row.chapter()).as("V%s", row.id()).isBetween(1, 17);
            assertThat(row.requirement()).as("V%s", row.id()).isNotBlank();
            assertThat(STATUSES).as("status of V%s", row.id()).contains(row.status());
            assertThat(row.evidence()).as("evidence or reason of V%s", row.id()).hasSizeGreaterThanOrEqualTo(6);
            if (row.status().equals("met")) {
                assertThat(TEST_REFERENCE.matcher(row.evidence()).find() || PAGE_LINK.matcher(row.evidence()).find())
                        .as("V%s is met: by which test, or which page?", row.id()).isTrue();
            }
        }
    }

    @Test
    void theTotalsAreTheRowsCounted() {
        Map<Integer, int[]> counted = new LinkedHashMap<>();
        for (Row row : rows()) {
            int[] c = counted.computeIfAbsent(row.chapter(), k -> new int[3]);
            c[List.of("met", "not met", "not applicable").indexOf(row.status())]++;
        }
        Map<Integer, int[]> stated = new LinkedHashMap<>();
        for (String line : lines()) {
            Matcher m = TOTAL.matcher(line);
            if (m.matches()) {
                stated.put(Integer.parseInt(m.group(1)),
                        new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))});
            }
        }
        assertThat(stated.keySet()).containsExactlyElementsOf(counted.keySet());
        counted.forEach((chapter, c) -> assertThat(stated.get(chapter)).as("totals of V%d", chapter).containsExactly(c));
        int[] all = new int[3];
        counted.values().forEach(c -> {
            for (int i = 0; i < 3; i++) {
                all[i] += c[i];
            }
        });
        assertThat(lines()).contains("| **all** | **" + all[0] + "** | **" + all[1] + "** | **" + all[2] + "** |");
    }
}
