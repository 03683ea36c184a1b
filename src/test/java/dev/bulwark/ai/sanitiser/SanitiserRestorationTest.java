package dev.bulwark.ai.sanitiser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bulwark.ai.sanitiser.CorpusGenerator.Contacts;
import dev.bulwark.ai.sanitiser.CorpusGenerator.Sample;
import dev.bulwark.ai.sanitiser.CorpusGenerator.Span;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance: 1,000 seeded conversations through a stub provider that echoes every placeholder of the sanitised prompt
 * (and some it invents), restored whole with {@code restore()} and streamed in random chunks through
 * {@code restorer()}: every personal placeholder comes back as its original, secrets, cards and IBANs never do, and a
 * placeholder the user typed comes back as the text they typed, never as a value.
 */
class SanitiserRestorationTest {

    private static final long SEED = 4_242L;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[(?:SECRET|(?:EMAIL|PHONE|NAME|CARD|IBAN)_\\d+)]");
    private static final Pattern SESSION_PLACEHOLDER = Pattern.compile("\\[(EMAIL|PHONE|NAME|CARD|IBAN)_\\d+]|\\[SECRET]");
    /** Secret subtypes whose span is the whole value (so the value alone is detectable). */
    private static final Set<String> STANDALONE_SECRETS = Set.of("stripe", "stripe-webhook", "aws-access-key-id", "github",
            "gitlab", "slack-token", "slack-webhook", "openai", "anthropic", "google-api-key", "jwt", "pem-private-key",
            "npm", "sendgrid", "huggingface", "digitalocean", "shopify");
    private static final String[] FILLERS = {"\nPlease check this one: ", " and also ", "; next up ", " (thanks!) ",
        "\n- item: ", ", then ", " | ", "\n\nAnother: "};

    private record Value(String kind, String text) {
    }

    @Test
    void personalPlaceholdersAreRestoredAndNothingElseIs() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        Contacts contacts = json.readValue(Files.readString(CorpusGenerator.DIR.resolve("contacts.json")), Contacts.class);
        List<Value> pool = new ArrayList<>();
        for (String line : Files.readAllLines(CorpusGenerator.DIR.resolve("positives.jsonl"), StandardCharsets.UTF_8)) {
            Sample sample = json.readValue(line, Sample.class);
            for (Span span : sample.spans()) {
                boolean standalone = !span.kind().equals("secret") || STANDALONE_SECRETS.contains(span.type());
                if (standalone && !span.type().equals("phone-national")) {
                    pool.add(new Value(span.kind(), sample.text().substring(span.start(), span.end())));
                }
            }
        }
        Sanitiser sanitiser = new Sanitiser(Rules::standard, Duration.ofSeconds(30));
        KnownPeople people = KnownPeople.of(contacts.names(), contacts.emails());
        Random r = new Random(SEED);
        int personalEchoed = 0;
        int personalRestored = 0;
        int sensitiveEchoed = 0;
        int literalsTyped = 0;
        for (int conversation = 0; conversation < 1_000; conversation++) {
            Sanitiser.Session session = sanitiser.begin(people, null);
            Map<String, String> expected = new HashMap<>(); // placeholder → the original it must restore to
            Map<String, String> placeholderOf = new HashMap<>(); // value → its placeholder (same value, same one)
            List<String> sensitive = new ArrayList<>();
            List<String> echoes = new ArrayList<>();
            int messages = 1 + r.nextInt(3);
            for (int m = 0; m < messages; m++) {
                List<String> parts = new ArrayList<>();
                List<String> fillers = new ArrayList<>();
                int values = 2 + r.nextInt(5);
                fillers.add("Message " + (m + 1) + ": ");
                for (int v = 0; v < values; v++) {
                    if (r.nextInt(8) == 0) {
                        parts.add(null); // the user types a placeholder-shaped string themselves
                    } else {
                        parts.add(pool.get(r.nextInt(pool.size())).text());
                    }
                    fillers.add(FILLERS[r.nextInt(FILLERS.length)]);
                }
                StringBuilder text = new StringBuilder(fillers.get(0));
                List<String> literals = new ArrayList<>();
                for (int v = 0; v < parts.size(); v++) {
                    if (parts.get(v) == null) {
                        String literal = "[" + List.of("EMAIL", "PHONE", "NAME").get(r.nextInt(3)) + "_" + (1 + r.nextInt(3))
                                + "]";
                        literals.add(literal);
                        text.append(literal);
                    } else {
                        text.append(parts.get(v));
                    }
                    text.append(fillers.get(v + 1));
                }
                String sanitised = session.sanitise(text.toString());
                // Walk the sanitised text along the fillers: between them stand the placeholders.
                assertThat(sanitised).startsWith(fillers.get(0));
                int at = fillers.get(0).length();
                int literal = 0;
                for (int v = 0; v < parts.size(); v++) {
                    int next = sanitised.indexOf(fillers.get(v + 1), at);
                    String replaced = sanitised.substring(at, next);
                    at = next + fillers.get(v + 1).length();
                    String original = parts.get(v);
                    if (original == null) {
                        String typed = literals.get(literal++);
                        assertThat(replaced).as("a typed placeholder is escaped").isEqualTo("\uFF3B" + typed.substring(1));
                        echoes.add(replaced);
                        literalsTyped++;
                        continue;
                    }
                    assertThat(replaced).as("one placeholder for " + original).matches(PLACEHOLDER);
                    assertThat(placeholderOf.putIfAbsent(original, replaced)).as("the same value, the same placeholder")
                            .isIn(null, replaced);
                    if (replaced.startsWith("[EMAIL_") || replaced.startsWith("[PHONE_") || replaced.startsWith("[NAME_")) {
                        expected.putIfAbsent(replaced, original);
                    } else {
                        sensitive.add(original);
                    }
                    echoes.add(replaced);
                }
                assertThat(at).isEqualTo(sanitised.length());
            }
            // The stub provider: every placeholder back, in another order, with words around and some it made up.
            Collections.shuffle(echoes, r);
            echoes.add("[EMAIL_99]");
            echoes.add("[NAME_" + (50 + r.nextInt(50)) + "]");
            StringBuilder reply = new StringBuilder("Summary:");
            StringBuilder restoredExpected = new StringBuilder("Summary:");
            for (String echo : echoes) {
                reply.append(" see ").append(echo).append(',');
                String back = echo.charAt(0) == '\uFF3B' ? "[" + echo.substring(1) : expected.getOrDefault(echo, echo);
                restoredExpected.append(" see ").append(back).append(',');
                if (expected.containsKey(echo)) {
                    personalEchoed++;
                } else if (SESSION_PLACEHOLDER.matcher(echo).matches() && !echo.contains("_99]")
                        && !echo.matches("\\[NAME_\\d{2}]")) {
                    sensitiveEchoed++;
                }
            }
            String whole = session.restore(reply.toString());
            assertThat(whole).isEqualTo(restoredExpected.toString());
            String streamed = stream(session.restorer(), reply.toString(), r);
            assertThat(streamed).isEqualTo(whole);
            for (Map.Entry<String, String> e : expected.entrySet()) {
                if (whole.contains(e.getValue())) {
                    personalRestored += count(reply.toString(), e.getKey());
                }
            }
            for (String secret : sensitive) {
                assertThat(whole).as("never restored").doesNotContain(secret);
                assertThat(streamed).doesNotContain(secret);
            }
        }
        System.out.printf("Restoration: %d personal placeholders echoed, %d restored; %d secret/card/IBAN placeholders"
                + " echoed, 0 restored; %d typed placeholders kept literal%n", personalEchoed, personalRestored,
                sensitiveEchoed, literalsTyped);
        assertThat(personalEchoed).isGreaterThan(1_000);
        assertThat(personalRestored).isEqualTo(personalEchoed);
        assertThat(sensitiveEchoed).isGreaterThan(1_000);
        assertThat(literalsTyped).isGreaterThan(100);
    }

    /** Feeds the text in random chunks, often cutting through placeholders. */
    private static String stream(Sanitiser.Restorer restorer, String text, Random r) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < text.length()) {
            int size = 1 + r.nextInt(r.nextBoolean() ? 4 : 24);
            int end = Math.min(text.length(), at + size);
            out.append(restorer.feed(text.substring(at, end)));
            at = end;
        }
        return out.append(restorer.finish()).toString();
    }

    private static int count(String text, String token) {
        int n = 0;
        Matcher m = Pattern.compile(Pattern.quote(token)).matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }
}
