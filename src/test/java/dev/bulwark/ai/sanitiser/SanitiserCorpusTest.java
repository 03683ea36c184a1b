package dev.bulwark.ai.sanitiser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bulwark.ai.sanitiser.CorpusGenerator.Contacts;
import dev.bulwark.ai.sanitiser.CorpusGenerator.Sample;
import dev.bulwark.ai.sanitiser.CorpusGenerator.Span;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance: the committed, seeded corpus (src/test/resources/ai/corpus, written by {@link CorpusGenerator}) through
 * the standard rules. Recall at least 0.995 for every kind, precision at least 0.99 overall, counted exactly from the
 * labelled spans; the table it prints is the one in docs/ai-sanitiser.md.
 */
class SanitiserCorpusTest {

    private static final List<String> KINDS = List.of("secret", "card", "iban", "email", "phone", "name");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static List<Sample> positives;
    private static List<Sample> negatives;
    private static Contacts contacts;

    @BeforeAll
    static void load() throws IOException {
        positives = read(CorpusGenerator.DIR.resolve("positives.jsonl"));
        negatives = read(CorpusGenerator.DIR.resolve("negatives.jsonl"));
        contacts = JSON.readValue(Files.readString(CorpusGenerator.DIR.resolve("contacts.json")), Contacts.class);
    }

    private static List<Sample> read(Path file) throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                samples.add(JSON.readValue(line, Sample.class));
            }
        }
        return samples;
    }

    @Test
    void theCorpusIsLargeAndCoversEveryKind() {
        assertThat(positives).hasSizeGreaterThanOrEqualTo(2_000);
        assertThat(negatives).hasSizeGreaterThanOrEqualTo(10_000);
        Map<String, Long> byKind = new TreeMap<>();
        positives.forEach(s -> s.spans().forEach(span -> byKind.merge(span.kind(), 1L, Long::sum)));
        assertThat(byKind.keySet()).containsAll(KINDS);
        assertThat(negatives).allSatisfy(s -> assertThat(s.spans()).isEmpty());
        assertThat(negatives.stream().map(s -> s.negatives().get(0)).distinct().count())
                .isEqualTo(CorpusGenerator.NEGATIVE_TYPES.length);
    }

    @Test
    void theCommittedCorpusIsTheSeededGeneratorsOutput(@TempDir Path dir) throws IOException {
        new CorpusGenerator().write(dir);
        for (String file : List.of("positives.jsonl", "negatives.jsonl", "contacts.json")) {
            assertThat(Files.readString(dir.resolve(file))).as(file)
                    .isEqualTo(Files.readString(CorpusGenerator.DIR.resolve(file)));
        }
    }

    @Test
    void recallPerKindAndPrecisionOverall() {
        // A budget no run can miss: this test measures detection, FailClosedTest the budget.
        Sanitiser sanitiser = new Sanitiser(Rules::standard, Duration.ofSeconds(30));
        KnownPeople people = KnownPeople.of(contacts.names(), contacts.emails());
        Map<String, int[]> table = new LinkedHashMap<>();
        KINDS.forEach(k -> table.put(k, new int[3])); // positives, found, false positives
        Map<String, Integer> falseByNegativeType = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        List<String> falsePositives = new ArrayList<>();
        int truePositiveFindings = 0;
        int allFindings = 0;
        List<Sample> all = new ArrayList<>(positives);
        all.addAll(negatives);
        for (Sample sample : all) {
            List<Finding> found = sanitiser.detect(sample.text(), people, PhoneRule.region(sample.country()));
            found.removeIf(f -> f.kind() == Kind.LITERAL);
            for (Span span : sample.spans()) {
                int[] row = table.get(span.kind());
                row[0]++;
                if (covered(span, found)) {
                    row[1]++;
                } else {
                    misses.add(sample.id() + " " + span.type() + ": " + excerpt(sample.text(), span.start(), span.end()));
                }
            }
            for (Finding f : found) {
                allFindings++;
                boolean expected = sample.spans().stream().anyMatch(span -> span.kind().equals(f.kind().key)
                        && span.start() < f.end() && f.start() < span.end());
                if (expected) {
                    truePositiveFindings++;
                } else {
                    table.get(f.kind().key)[2]++;
                    String where = sample.spans().isEmpty() ? sample.negatives().get(0) : "positive line";
                    falseByNegativeType.merge(where, 1, Integer::sum);
                    falsePositives.add(sample.id() + " [" + where + "] " + f.kind().key + ": "
                            + excerpt(sample.text(), f.start(), f.end()));
                }
            }
        }
        double precision = allFindings == 0 ? 1 : (double) truePositiveFindings / allFindings;
        StringBuilder report = new StringBuilder();
        report.append(String.format("Corpus: %d positive lines, %d negative lines%n", positives.size(), negatives.size()));
        report.append("| kind | positives | found | recall | false positives |\n|---|---:|---:|---:|---:|\n");
        table.forEach((kind, row) -> report.append(String.format("| %s | %d | %d | %.4f | %d |%n", kind, row[0], row[1],
                row[0] == 0 ? 0 : (double) row[1] / row[0], row[2])));
        report.append(String.format("Precision overall: %.4f (%d of %d findings expected)%n", precision,
                truePositiveFindings, allFindings));
        report.append("False positives by where they fell: ").append(falseByNegativeType).append('\n');
        misses.stream().limit(40).forEach(m -> report.append("MISS ").append(m).append('\n'));
        falsePositives.stream().limit(40).forEach(m -> report.append("FALSE ").append(m).append('\n'));
        System.out.println(report);

        table.forEach((kind, row) -> assertThat((double) row[1] / row[0]).as("recall of " + kind).isGreaterThanOrEqualTo(0.995));
        assertThat(precision).as("precision overall").isGreaterThanOrEqualTo(0.99);
    }

    /** Every character of the expected span lies in findings of its kind: the whole value is redacted. */
    private static boolean covered(Span span, List<Finding> found) {
        for (int i = span.start(); i < span.end(); i++) {
            int at = i;
            if (found.stream().noneMatch(f -> f.kind().key.equals(span.kind()) && f.start() <= at && at < f.end())) {
                return false;
            }
        }
        return true;
    }

    private static String excerpt(String text, int start, int end) {
        String s = text.substring(Math.max(0, start - 20), Math.min(text.length(), end + 20)).replace("\n", "⏎");
        return "…" + s + "… {" + text.substring(start, Math.min(end, start + 60)).replace("\n", "⏎") + "}";
    }
}
