package dev.bulwark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository stands alone: no file in it points a reader at a document outside it. Every text file of the
 * project (README.md, pom.xml, docs/, src/, bench/, .ci/; never target/ or .git/) is read, and the build fails on one
 * that names a design document kept elsewhere, or on a Markdown link whose relative target leaves the repository or
 * does not exist. What such documents said belongs in docs/ (docs/architecture.md, docs/api.md).
 */
class StandsAloneTest {

    /** What is read: the project's own files. */
    private static final List<String> ROOTS = List.of("README.md", "pom.xml", "docs", "src", "bench", ".ci");

    /** Folders never read: build output, version control, the embedded database's data, editors' settings. */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", "var", ".idea", ".vscode", "node_modules");

    /**
     * Names of documents outside the repository. Spelled from parts so that this file does not name them itself
     * (it is read like any other).
     */
    private static final List<String> OUTSIDE_NAMES = Stream.of("contract", "architecture", "stack", "style")
            .map(name -> name.toUpperCase(Locale.ROOT) + ".md")
            .toList();

    /** The folder beside the repository those documents live in. */
    private static final String OUTSIDE_FOLDER = ".." + "/shared";

    /** The bare upper-case names those documents go by in prose ("as the C… says"); not part of a longer identifier. */
    private static final Pattern OUTSIDE_WORD = Pattern.compile(
            "(?<![A-Za-z0-9_])(" + "CON" + "TRACT|" + "ARCHI" + "TECTURE" + ")(?![A-Za-z0-9_])");

    /** A Markdown link or image: the bracketed text, then the target in parentheses, perhaps with a quoted title. */
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    @Test
    void noFileNamesADocumentOutsideTheRepositoryOrLinksOutOfIt() throws IOException {
        Path root = repositoryRoot();
        List<Path> files = textFiles(root);
        assertThat(files).as("files read under %s", root).hasSizeGreaterThan(50);
        assertThat(files.stream().map(f -> root.relativize(f).toString().replace('\\', '/')))
                .contains("README.md", "docs/architecture.md", "docs/api.md");

        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String text = read(file);
            if (text == null) {
                continue; // not text
            }
            String relative = root.relativize(file).toString().replace('\\', '/');
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].stripTrailing();
                String where = relative + ":" + (i + 1);
                for (String name : OUTSIDE_NAMES) {
                    if (line.contains(name)) {
                        problems.add(where + " names " + name + ", a document outside the repository");
                    }
                }
                if (line.contains(OUTSIDE_FOLDER)) {
                    problems.add(where + " points into " + OUTSIDE_FOLDER + ", outside the repository");
                }
                Matcher word = OUTSIDE_WORD.matcher(line);
                if (word.find()) {
                    problems.add(where + " cites " + word.group(1) + ", a document outside the repository");
                }
                Matcher link = LINK.matcher(line);
                while (link.find()) {
                    String problem = checkLink(root, file, link.group(1));
                    if (problem != null) {
                        problems.add(where + " links " + link.group(1) + ": " + problem);
                    }
                }
            }
        }
        assertThat(problems).as("references that leave the repository (cite docs/architecture.md or docs/api.md instead)")
                .isEmpty();
    }

    @Test
    void theChecksCatchWhatTheyAreFor() throws IOException {
        Path root = repositoryRoot();
        Path readme = root.resolve("README.md");
        assertThat(checkLink(root, readme, "docs/api.md#conventions")).isNull();
        assertThat(checkLink(root, readme, "https://example.com/x.md")).isNull();
        assertThat(checkLink(root, readme, "#layout")).isNull();
        assertThat(checkLink(root, readme, "../elsewhere/NOTES.md")).contains("leaves the repository");
        assertThat(checkLink(root, root.resolve("docs/privacy.md"), "../../somewhere/NOTES.md")).contains("leaves the repository");
        assertThat(checkLink(root, readme, "docs/no-such-page.md")).contains("does not exist");
        assertThat(OUTSIDE_WORD.matcher("as the " + "CON" + "TRACT says").find()).isTrue();
        assertThat(OUTSIDE_WORD.matcher("PROCESSOR_" + "ARCHI" + "TECTURE").find()).isFalse();
        Matcher link = LINK.matcher("see [the page]" + "(../x/y.md \"title\")"); // in parts: this file is read too
        assertThat(link.find()).isTrue();
        assertThat(link.group(1)).isEqualTo("../x/y.md");
    }

    /** Null when {@code target}, linked from {@code file}, is fine; otherwise what is wrong with it. */
    private static String checkLink(Path root, Path file, String target) {
        if (target.startsWith("#") || SCHEME.matcher(target).find()) {
            return null; // an anchor on the same page, or an absolute URL (http, https, mailto, …)
        }
        String path = target.replaceFirst("[#?].*$", "");
        if (path.isEmpty()) {
            return null;
        }
        Path resolved = (path.startsWith("/") ? root.resolve(path.substring(1)) : file.getParent().resolve(path)).normalize();
        if (!resolved.startsWith(root)) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "does not exist";
        }
        return null;
    }

    /** The folder holding this project's pom.xml: the working directory of the build, or one above it. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath().normalize();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("pom.xml")) && Files.isDirectory(candidate.resolve("src/main/java/dev/bulwark"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no Bulwark project at or above " + dir);
    }

    private static List<Path> textFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : ROOTS) {
            Path start = root.resolve(name);
            if (Files.isRegularFile(start)) {
                files.add(start);
            } else if (Files.isDirectory(start)) {
                Files.walkFileTree(start, new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
                        return SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
                                ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()) {
                            files.add(file);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
            }
        }
        files.sort(null);
        return files;
    }

    /** The file as UTF-8 text, or null when it is binary (a NUL byte) or not UTF-8. */
    private static String read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                if (b == 0) {
                    return null;
                }
            }
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
