package dev.bulwark.ai.sanitiser;

import java.util.ArrayList;
import java.util.List;

/** One text being scanned: the text, the session's context, the findings so far, and the deadline. */
final class Scan {

    /** Thrown when the text runs past its budget; the session turns it into {@link SanitiserFailure}. */
    static final class OverBudget extends RuntimeException {
        OverBudget() {
            super("over budget", null, false, false);
        }
    }

    final String text;
    final KnownPeople people;
    /** ISO 3166 alpha-2 region for national phone numbers, or null (then only international numbers count). */
    final String region;
    private final long deadline;
    private final List<Finding> findings = new ArrayList<>();
    private int ticks;
    private int[] starts;
    private int startCount;

    Scan(String text, KnownPeople people, String region, long deadlineNanos) {
        this.text = text;
        this.people = people;
        this.region = region;
        this.deadline = deadlineNanos;
    }

    void add(int start, int end, Kind kind, String key) {
        findings.add(new Finding(start, end, kind, key));
    }

    List<Finding> findings() {
        return findings;
    }

    /**
     * The positions where a token starts (a letter or digit not preceded by one), computed once per text: the rules
     * that anchor at token starts visit these instead of every character.
     */
    int[] tokenStarts() {
        if (starts == null) {
            int[] found = new int[Math.max(16, text.length() / 6)];
            int count = 0;
            boolean previous = false;
            for (int i = 0, n = text.length(); i < n; i++) {
                boolean alnum = Chars.alnum(text.charAt(i));
                if (alnum && !previous) {
                    if (count == found.length) {
                        found = java.util.Arrays.copyOf(found, count * 2);
                    }
                    found[count++] = i;
                }
                previous = alnum;
            }
            starts = found;
            startCount = count;
        }
        return starts;
    }

    /** How many entries of {@link #tokenStarts()} are used. */
    int tokenStartCount() {
        tokenStarts();
        return startCount;
    }

    /** Cheap: reads the clock once every 256 calls. */
    void tick() {
        if ((++ticks & 0xff) == 0) {
            checkTime();
        }
    }

    void checkTime() {
        if (System.nanoTime() - deadline > 0) {
            throw new OverBudget();
        }
    }

    /**
     * The text as a {@link CharSequence} that fails the call when read past the deadline: regular expressions match on
     * it, so even a pattern that backtracks badly cannot run on past the budget.
     */
    CharSequence guarded() {
        return new Guarded(text, 0, text.length());
    }

    private final class Guarded implements CharSequence {
        private final String s;
        private final int from;
        private final int to;

        Guarded(String s, int from, int to) {
            this.s = s;
            this.from = from;
            this.to = to;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            if ((++ticks & 0xfff) == 0) {
                checkTime();
            }
            return s.charAt(from + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Guarded(s, from + start, from + end);
        }

        @Override
        public String toString() {
            return s.substring(from, to);
        }
    }
}
