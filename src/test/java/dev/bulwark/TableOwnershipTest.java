package dev.bulwark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.bulwark.shared.ModuleTables;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tables belong to modules (docs/architecture.md): each module's {@link ModuleTables} names the tables it owns and
 * those of other modules its SQL names. This fails when a module's main sources name, in SQL, a table that is neither
 * (naming the module, the file and the table), when a table the migrations create is owned by no module or by two,
 * and when a spec names a table the migrations do not create. No database and no Spring: sources and migrations only.
 */
class TableOwnershipTest {

    private static final Path MAIN = Path.of("src/main/java/dev/bulwark");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    /** Created by Flyway itself, not by a migration. */
    private static final Set<String> NOT_MIGRATED = Set.of("flyway_schema_history");
    private static final Pattern CREATED = Pattern.compile("(?i)CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([a-z_][a-z0-9_]*)");
    private static final Pattern DROPPED = Pattern.compile("(?i)DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?([a-z_][a-z0-9_]*)");
    private static final Pattern RENAMED = Pattern.compile("(?i)ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?([a-z_][a-z0-9_]*)\\s+RENAME\\s+TO\\s+([a-z_][a-z0-9_]*)");

    @Test
    void everyModuleNamesInSqlOnlyTablesItOwnsOrDeclaresItReads() throws IOException {
        assertThat(violations(specs(), sources())).isEmpty();
    }

    @Test
    void everyMigratedTableIsOwnedByExactlyOneModuleAndEverySpecNamesRealTables() throws IOException {
        Set<String> migrated = migratedTables();
        assertThat(migrated).as("tables the migrations create").contains("organisations", "audit_events", "contacts");
        assertThat(ownershipViolations(specs(), migrated)).isEmpty();
    }

    @Test
    void aPlantedQueryOnAnotherModulesTableIsCaughtWithModuleFileAndTable() throws IOException {
        Map<String, ModuleTables> specs = specs();
        Map<String, Map<String, String>> planted = new TreeMap<>();
        planted.put("workspace", Map.of("workspace/internal/Planted.java", """
                class Planted {
                    // FROM trust_results in a comment is not SQL
                    String sql = \"\"\"
                            SELECT c.id FROM contacts c JOIN trust_findings f ON f.subject = c.id::text
                            \"\"\";
                    String other = "DELETE FROM sessions WHERE user_id = :u";
                    String prose = "the rows read from the log";
                }
                """));
        assertThat(violations(specs, planted)).containsExactly(
                "module workspace, file workspace/internal/Planted.java: names table trust_findings, which it neither owns nor declares it reads",
                "module workspace, file workspace/internal/Planted.java: names table sessions, which it neither owns nor declares it reads");
        // Declared as read, it passes; declared by no module at all, the table is refused by the migrations check.
        assertThat(ownershipViolations(specs, Set.of("contacts", "zz_unowned")))
                .contains("table zz_unowned, created by the migrations, is owned by no module");
    }

    @Test
    void theScannerFindsTablesInLiteralsAndTextBlocksOnly() {
        String source = """
                /* UPDATE from_block_comment SET x = 1 */
                class X {
                    String a = "INSERT INTO alpha (id) VALUES (:id) ON CONFLICT (id) DO UPDATE SET id = :id";
                    String b = \"\"\"
                            WITH recent AS (SELECT id FROM beta) SELECT * FROM recent JOIN gamma USING (id)
                            \"\"\";
                    String c = "SELECT count(*) FROM pg_class, unnest(:ids) FROM delta_fn(1)";
                    String d = "TRUNCATE epsilon; DELETE FROM zeta; ALTER TABLE eta ADD x int; SELECT 1 IS DISTINCT FROM theta";
                    String e = "UPDATE %s SET x = 1 WHERE substring(y from 1 for 5) = 'FROM iota'";
                }
                """;
        assertThat(SqlTableNames.in(source)).containsExactly("alpha", "beta", "gamma", "epsilon", "zeta", "eta", "iota");
    }

    /** Each module's spec, by module, found as the {@code ModuleTables} subclass in its API package. */
    static Map<String, ModuleTables> specs() throws IOException {
        Map<String, ModuleTables> specs = new TreeMap<>();
        try (Stream<Path> files = Files.list(MAIN)) {
            for (Path module : files.filter(Files::isDirectory).toList()) {
                try (Stream<Path> top = Files.list(module)) {
                    for (Path file : top.filter(f -> f.toString().endsWith(".java")).toList()) {
                        if (Files.readString(file).matches("(?s).*\\bclass\\s+\\w+\\s+extends\\s+ModuleTables\\b.*")) {
                            String name = "dev.bulwark." + module.getFileName() + "." + file.getFileName().toString().replace(".java", "");
                            ModuleTables spec = instantiate(name);
                            assertThat(spec.module()).as(name + " names its own module").isEqualTo(module.getFileName().toString());
                            assertThat(specs.put(spec.module(), spec)).as("one spec for module " + spec.module()).isNull();
                        }
                    }
                }
            }
        }
        return specs;
    }

    private static ModuleTables instantiate(String name) {
        try {
            return (ModuleTables) Class.forName(name).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(name + " needs a public no-argument constructor", e);
        }
    }

    /** Module, then file (relative to dev/bulwark), then its text: every main source of every module. */
    private static Map<String, Map<String, String>> sources() throws IOException {
        Map<String, Map<String, String>> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() > 1) {
                    sources.computeIfAbsent(relative.getName(0).toString(), m -> new TreeMap<>())
                            .put(relative.toString().replace('\\', '/'), Files.readString(file));
                }
            }
        }
        return sources;
    }

    /** A line per table a module's SQL names that its spec neither owns nor reads; empty when every module keeps to its own. */
    static List<String> violations(Map<String, ModuleTables> specs, Map<String, Map<String, String>> sources) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> module : sources.entrySet()) {
            ModuleTables spec = specs.get(module.getKey());
            for (Map.Entry<String, String> file : module.getValue().entrySet()) {
                for (String table : SqlTableNames.in(file.getValue())) {
                    boolean known = spec != null && (spec.find(table).isPresent() || spec.reads().contains(table));
                    if (!known) {
                        found.add("module " + module.getKey() + ", file " + file.getKey() + ": names table " + table
                                + ", which it neither owns nor declares it reads");
                    }
                }
            }
        }
        return found;
    }

    /** What is wrong with who owns {@code migrated}: a table owned by none or by two, a spec naming a table that is not. */
    static List<String> ownershipViolations(Map<String, ModuleTables> specs, Set<String> migrated) {
        List<String> found = new ArrayList<>();
        Map<String, List<String>> owners = new LinkedHashMap<>();
        specs.values().forEach(s -> s.owns().forEach(t -> owners.computeIfAbsent(t.name(), n -> new ArrayList<>()).add(s.module())));
        for (String table : new TreeSet<>(migrated)) {
            List<String> by = owners.getOrDefault(table, List.of());
            if (by.isEmpty()) {
                found.add("table " + table + ", created by the migrations, is owned by no module");
            } else if (by.size() > 1) {
                found.add("table " + table + " is owned by more than one module: " + by);
            }
        }
        for (ModuleTables spec : specs.values()) {
            for (ModuleTables.Table table : spec.owns()) {
                if (!migrated.contains(table.name()) && !NOT_MIGRATED.contains(table.name())) {
                    found.add("module " + spec.module() + " owns table " + table.name() + ", which no migration creates");
                }
            }
            for (String read : spec.reads()) {
                List<String> by = owners.getOrDefault(read, List.of());
                if (by.isEmpty() || by.contains(spec.module())) {
                    found.add("module " + spec.module() + " reads table " + read + ", which no other module owns");
                }
            }
        }
        return found;
    }

    /** The tables the migrations leave: created, less those dropped, renamed ones under their new name. */
    static Set<String> migratedTables() throws IOException {
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            List<Path> ordered = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(java.util.Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
                    .toList();
            for (Path file : ordered) {
                String sql = Files.readString(file).replaceAll("--[^\\n]*", "");
                Map<Integer, Runnable> steps = new TreeMap<>();
                Matcher m = CREATED.matcher(sql);
                while (m.find()) {
                    String t = m.group(1).toLowerCase(java.util.Locale.ROOT);
                    steps.put(m.start(), () -> tables.add(t));
                }
                m = DROPPED.matcher(sql);
                while (m.find()) {
                    String t = m.group(1).toLowerCase(java.util.Locale.ROOT);
                    steps.put(m.start(), () -> tables.remove(t));
                }
                m = RENAMED.matcher(sql);
                while (m.find()) {
                    String from = m.group(1).toLowerCase(java.util.Locale.ROOT);
                    String to = m.group(2).toLowerCase(java.util.Locale.ROOT);
                    steps.put(m.start(), () -> {
                        tables.remove(from);
                        tables.add(to);
                    });
                }
                steps.values().forEach(Runnable::run);
            }
        }
        return tables;
    }
}
