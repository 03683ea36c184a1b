package dev.bulwark.ai.sanitiser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Scrubs a prompt before it reaches an AI provider and restores the personal-data placeholders in the answer
 * (docs/ai-sanitiser.md). A Spring bean; thread-safe; its rules are loaded at construction, and if that fails every
 * {@link #begin} throws {@link SanitiserFailure} (fail closed).
 */
@Component
public final class Sanitiser {

    private static final Logger log = LoggerFactory.getLogger(Sanitiser.class);
    private static final Comparator<Finding> PRIORITY = Comparator.comparingInt((Finding f) -> f.kind().ordinal())
            .thenComparingInt(Finding::start)
            .thenComparingInt(f -> -(f.end() - f.start()));

    /** The rules, or null when they failed to load. */
    private final List<Rule> rules;
    private final long budgetNanos;

    @Autowired
    public Sanitiser(SanitiserProperties properties) {
        this(Rules::standard, properties.budget());
    }

    /** The test seam: any rules, any budget. A loader that throws leaves a sanitiser whose every begin() fails. */
    Sanitiser(Supplier<List<Rule>> loader, Duration budget) {
        this.budgetNanos = budget.toNanos();
        List<Rule> loaded;
        try {
            loaded = List.copyOf(loader.get());
            if (loaded.isEmpty()) {
                throw new IllegalStateException("no rules");
            }
        } catch (RuntimeException | LinkageError e) {
            // Only the class: a rule's message could quote a pattern, never a prompt, but keep logs plain.
            log.error("AI sanitiser: the rules failed to load ({}); every AI call fails until this is fixed",
                    e.getClass().getName());
            loaded = null;
        }
        this.rules = loaded;
    }

    /**
     * One call's sanitising session: placeholders are numbered per call, consistently across its messages (the same
     * address twice is the same {@code [EMAIL_1]}).
     *
     * @param people         the organisation's contacts ({@link KnownPeople#none()} for none)
     * @param defaultCountry ISO 3166 alpha-2 region for phone numbers written without {@code +country}, or null: then
     *                       only international numbers are phone numbers
     * @throws SanitiserFailure when the rules failed to load
     */
    public Session begin(KnownPeople people, String defaultCountry) {
        if (rules == null) {
            throw new SanitiserFailure("the sanitiser's rules failed to load");
        }
        return new CallSession(people == null ? KnownPeople.none() : people, PhoneRule.region(defaultCountry));
    }

    /** Runs every rule on one text and resolves overlaps: the findings to replace, in text order. */
    List<Finding> detect(String text, KnownPeople people, String region) {
        Scan scan = new Scan(text, people, region, System.nanoTime() + budgetNanos);
        for (Rule rule : rules) {
            rule.scan(scan);
            scan.checkTime();
        }
        List<Finding> all = new ArrayList<>(scan.findings());
        all.sort(PRIORITY);
        BitSet taken = new BitSet(text.length());
        List<Finding> chosen = new ArrayList<>();
        for (Finding f : all) {
            int clash = taken.nextSetBit(f.start());
            if (clash == -1 || clash >= f.end()) {
                taken.set(f.start(), f.end());
                chosen.add(f);
            }
        }
        chosen.sort(Comparator.comparingInt(Finding::start));
        scan.checkTime();
        return chosen;
    }

    /** One call's sanitising session. */
    public interface Session {

        /**
         * The text with secrets → {@code [SECRET]}, cards → {@code [CARD_n]}, IBANs → {@code [IBAN_n]}, addresses →
         * {@code [EMAIL_n]}, phone numbers → {@code [PHONE_n]}, the organisation's contacts' names → {@code [NAME_n]}
         * (their addresses → {@code [EMAIL_n]}).
         *
         * @throws SanitiserFailure on any internal error or when the text runs past its time budget (fail closed)
         */
        String sanitise(String text);

        /** Counts by kind, keys exactly {@code secret, card, iban, email, phone, name}, only kinds with a count. */
        Map<String, Integer> redactions();

        /** Restores the personal-data placeholders (EMAIL, PHONE, NAME) of this session in a whole text. */
        String restore(String output);

        /**
         * Incremental restoration for streaming: feed chunks in order; a placeholder split across chunks is held back
         * until complete; {@link Restorer#finish()} flushes what is left.
         */
        Restorer restorer();
    }

    /** Restores one streamed answer, chunk by chunk. Not thread-safe: one per stream. */
    public interface Restorer {

        String feed(String chunk);

        String finish();
    }

    private final class CallSession implements Session {

        private final KnownPeople people;
        private final String region;
        /** Per kind, a finding's key → its placeholder. */
        private final Map<Kind, Map<String, String>> placeholders = new EnumMap<>(Kind.class);
        /**
         * Placeholder → original, for the restorable kinds only; guarded by this session's lock, which restorers take
         * through {@link #original} (a concurrent map cost a fifth of sanitising a prompt with a hundred findings).
         */
        private final Map<String, String> originals = new HashMap<>();
        private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);

        CallSession(KnownPeople people, String region) {
            this.people = people;
            this.region = region;
        }

        @Override
        public synchronized String sanitise(String text) {
            Objects.requireNonNull(text, "text");
            List<Finding> chosen;
            try {
                chosen = detect(text, people, region);
            } catch (Scan.OverBudget e) {
                log.warn("AI sanitiser: a text of {} characters ran past the budget of {} ms; the call fails closed",
                        text.length(), budgetNanos / 1_000_000);
                throw new SanitiserFailure("the sanitiser ran past its time budget");
            } catch (RuntimeException | StackOverflowError e) {
                // The class only: an exception's message may quote the text.
                log.warn("AI sanitiser: a rule failed ({}); the call fails closed", e.getClass().getName());
                throw new SanitiserFailure("the sanitiser failed", e);
            }
            StringBuilder out = new StringBuilder(text.length() + 16 * chosen.size());
            int at = 0;
            for (Finding f : chosen) {
                out.append(text, at, f.start());
                at = f.end();
                Kind kind = f.kind();
                if (kind == Kind.LITERAL) {
                    out.append(Placeholders.ESCAPED_OPEN).append(text, f.start() + 1, f.end());
                    continue;
                }
                counts.merge(kind, 1, Integer::sum);
                if (kind == Kind.SECRET) {
                    out.append("[SECRET]");
                    continue;
                }
                Map<String, String> ofKind = placeholders.computeIfAbsent(kind, k -> new HashMap<>());
                String placeholder = ofKind.get(f.key());
                if (placeholder == null) {
                    // A new one: numbered in order of appearance, and its first spelling is what comes back.
                    placeholder = "[" + kind.tag + "_" + (ofKind.size() + 1) + "]";
                    ofKind.put(f.key(), placeholder);
                    if (kind.restorable) {
                        originals.put(placeholder, text.substring(f.start(), f.end()));
                    }
                }
                out.append(placeholder);
            }
            out.append(text, at, text.length());
            return out.toString();
        }

        @Override
        public synchronized Map<String, Integer> redactions() {
            Map<String, Integer> result = new LinkedHashMap<>();
            for (Kind kind : List.of(Kind.SECRET, Kind.CARD, Kind.IBAN, Kind.EMAIL, Kind.PHONE, Kind.NAME)) {
                Integer count = counts.get(kind);
                if (count != null) {
                    result.put(kind.key, count);
                }
            }
            return java.util.Collections.unmodifiableMap(result);
        }

        @Override
        public String restore(String output) {
            Restorer restorer = restorer();
            return restorer.feed(output) + restorer.finish();
        }

        /** The original a placeholder stands for, or the placeholder itself when this session issued no such one. */
        private synchronized String original(String placeholder) {
            return originals.getOrDefault(placeholder, placeholder);
        }

        @Override
        public Restorer restorer() {
            return new StreamRestorer(this::original);
        }
    }

    /**
     * Restoration: a session placeholder becomes its original; an escaped placeholder-shaped string (the user's own
     * text) becomes that text again, never a value; everything else, {@code [SECRET]}, {@code [CARD_n]},
     * {@code [IBAN_n]} and placeholders the session never issued included, passes as it is.
     */
    private static final class StreamRestorer implements Restorer {

        private final UnaryOperator<String> originals;
        private final StringBuilder pending = new StringBuilder();

        StreamRestorer(UnaryOperator<String> originals) {
            this.originals = originals;
        }

        @Override
        public String feed(String chunk) {
            if (chunk == null || chunk.isEmpty()) {
                return "";
            }
            pending.append(chunk);
            return drain(false);
        }

        @Override
        public String finish() {
            return drain(true);
        }

        private String drain(boolean end) {
            int n = pending.length();
            StringBuilder out = new StringBuilder(n + 32);
            int i = 0;
            while (i < n) {
                int j = i;
                while (j < n && pending.charAt(j) != Placeholders.OPEN && pending.charAt(j) != Placeholders.ESCAPED_OPEN) {
                    j++;
                }
                out.append(pending, i, j);
                i = j;
                if (j == n) {
                    break;
                }
                int m = Placeholders.match(pending, j, n);
                if (m == Placeholders.PARTIAL && !end) {
                    break;
                }
                if (m > 0) {
                    if (pending.charAt(j) == Placeholders.ESCAPED_OPEN) {
                        out.append(Placeholders.OPEN).append(pending, j + 1, m);
                    } else {
                        String token = pending.substring(j, m);
                        out.append(originals.apply(token));
                    }
                    i = m;
                } else {
                    out.append(pending.charAt(j));
                    i = j + 1;
                }
            }
            pending.delete(0, i);
            if (end) {
                out.append(pending);
                pending.setLength(0);
            }
            return out.toString();
        }
    }
}
