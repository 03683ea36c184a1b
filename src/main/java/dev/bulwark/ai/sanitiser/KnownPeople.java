package dev.bulwark.ai.sanitiser;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The organisation's contacts' names and e-mail addresses, built once into a multi-pattern matcher and reused across
 * calls (the gateway caches it per organisation). Immutable and thread-safe.
 *
 * <p>Matching is whole-word and case-insensitive, and a run of white space in the text matches the single space of a
 * name ("Ada&nbsp;&nbsp;Lovelace" across a line break is still Ada Lovelace). Because a match must start where a word
 * starts, the matcher is a trie walked from each word start rather than a full Aho–Corasick automaton: a whole-word
 * match can never begin inside a word, so the failure links would only cost memory. It is hand-written because the
 * libraries we looked at either fold case per pattern (not per character of the text) or have no notion of our word
 * boundaries and white-space runs; the code is short.
 */
public final class KnownPeople {

    static final byte NAME = 1;
    static final byte EMAIL = 2;
    private static final KnownPeople NONE = new KnownPeople(new Builder());

    /** Children of the root for ASCII characters (0: none); other characters go through {@link #rootOther}. */
    private final int[] rootAscii = new int[128];
    private final Map<Character, Integer> rootOther = new HashMap<>();
    /**
     * The trie, flat: node n's children are {@code edgeTarget[e]} for e in {@code edgeStart[n] .. edgeStart[n + 1])},
     * with sorted labels {@code edgeLabel[e]}. Nodes are numbered in depth-first order, so a name's characters are
     * adjacent in every array and a walk reads memory in order: one object per node, as it was built, scattered the
     * walk over the heap, and in the gateway, where a request's other work empties the caches between prompts, each
     * step was a cache miss. Node 0 is the root (its children are above).
     */
    private final int[] edgeStart;
    private final char[] edgeLabel;
    private final int[] edgeTarget;
    private final byte[] terminal;
    private final int patterns;

    private KnownPeople(Builder built) {
        int nodes = built.nodes;
        int edges = nodes - 1;
        // Depth-first order, first label first: a node's first child is numbered right after it.
        int[] renumbered = new int[nodes];
        int[] byNew = new int[nodes];
        int[] stack = new int[nodes];
        int top = 0;
        int next = 0;
        stack[top++] = 0;
        while (top > 0) {
            int old = stack[--top];
            renumbered[old] = next;
            byNew[next++] = old;
            int[] kids = built.children[old];
            for (int i = kids.length - 1; i >= 0; i--) {
                stack[top++] = kids[i];
            }
        }
        this.edgeStart = new int[nodes + 1];
        this.edgeLabel = new char[edges];
        this.edgeTarget = new int[edges];
        this.terminal = new byte[nodes];
        int e = 0;
        for (int n = 0; n < nodes; n++) {
            int old = byNew[n];
            edgeStart[n] = e;
            terminal[n] = built.terminal[old];
            for (int i = 0; i < built.labels[old].length; i++) {
                edgeLabel[e] = built.labels[old][i];
                edgeTarget[e] = renumbered[built.children[old][i]];
                if (n == 0) {
                    if (edgeLabel[e] < 128) {
                        rootAscii[edgeLabel[e]] = edgeTarget[e];
                    } else {
                        rootOther.put(edgeLabel[e], edgeTarget[e]);
                    }
                }
                e++;
            }
        }
        edgeStart[nodes] = e;
        this.patterns = built.patterns;
    }

    /**
     * The matcher for these names and addresses. Blank entries, names of fewer than two letters and addresses without
     * an {@code @} are ignored (they would match ordinary words).
     */
    public static KnownPeople of(Collection<String> names, Collection<String> emails) {
        Builder people = new Builder();
        for (String name : names == null ? java.util.List.<String>of() : names) {
            String normalised = normaliseName(name);
            if (normalised != null) {
                people.insert(normalised, NAME);
            }
        }
        for (String email : emails == null ? java.util.List.<String>of() : emails) {
            if (email != null) {
                String e = email.strip();
                int at = e.indexOf('@');
                if (at > 0 && at < e.length() - 1 && e.chars().noneMatch(Character::isWhitespace)) {
                    people.insert(foldAll(e), EMAIL);
                }
            }
        }
        return people.patterns == 0 ? NONE : new KnownPeople(people);
    }

    /** No contacts: matches nothing. */
    public static KnownPeople none() {
        return NONE;
    }

    /** How many names and addresses the matcher holds. */
    int size() {
        return patterns;
    }

    private static String normaliseName(String name) {
        if (name == null) {
            return null;
        }
        String[] words = name.strip().split("\\s+");
        String joined = String.join(" ", words);
        long letters = joined.chars().filter(Character::isLetter).count();
        if (letters < 2 || !Chars.alnum(joined.charAt(0))) {
            return null;
        }
        return foldAll(joined);
    }

    private static String foldAll(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            b.append(Chars.fold(s.charAt(i)));
        }
        return b.toString();
    }

    /** The trie as it is built: a node's sorted labels and children in arrays of its own. */
    private static final class Builder {
        private char[][] labels = new char[16][];
        private int[][] children = new int[16][];
        private byte[] terminal = new byte[16];
        private int nodes;
        private int patterns;

        Builder() {
            newNode();
        }

        void insert(String pattern, byte kind) {
            int node = 0;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                int at = Arrays.binarySearch(labels[node], c);
                int next;
                if (at >= 0) {
                    next = children[node][at];
                } else {
                    next = newNode();
                    link(node, -(at + 1), c, next);
                }
                node = next;
            }
            if (terminal[node] == 0) {
                patterns++;
            }
            // A string that is both a contact's name and a contact's address is an address.
            terminal[node] = (byte) Math.max(terminal[node], kind);
        }

        private int newNode() {
            if (nodes == terminal.length) {
                int size = nodes * 2;
                labels = Arrays.copyOf(labels, size);
                children = Arrays.copyOf(children, size);
                terminal = Arrays.copyOf(terminal, size);
            }
            labels[nodes] = new char[0];
            children[nodes] = new int[0];
            return nodes++;
        }

        private void link(int node, int at, char c, int next) {
            char[] l = labels[node];
            int[] k = children[node];
            char[] nl = new char[l.length + 1];
            int[] nk = new int[k.length + 1];
            System.arraycopy(l, 0, nl, 0, at);
            System.arraycopy(k, 0, nk, 0, at);
            nl[at] = c;
            nk[at] = next;
            System.arraycopy(l, at, nl, at + 1, l.length - at);
            System.arraycopy(k, at, nk, at + 1, k.length - at);
            labels[node] = nl;
            children[node] = nk;
        }
    }

    private int child(int node, char c) {
        if (node == 0) {
            if (c < 128) {
                return rootAscii[c];
            }
            Integer next = rootOther.get(c);
            return next == null ? 0 : next;
        }
        int from = edgeStart[node];
        int to = edgeStart[node + 1];
        if (to - from < 8) {
            for (int e = from; e < to; e++) {
                if (edgeLabel[e] == c) {
                    return edgeTarget[e];
                }
            }
            return 0;
        }
        int at = Arrays.binarySearch(edgeLabel, from, to, c);
        return at < 0 ? 0 : edgeTarget[at];
    }

    /** Whether some name or address starts with this (folded) character: the cheap test before a walk. */
    boolean mayStartWith(char folded) {
        return patterns > 0 && child(0, folded) != 0;
    }

    /**
     * The longest name or address that starts at {@code from} and ends on a word boundary, as
     * {@code end << 8 | kind}, or -1. The caller has checked that a word starts at {@code from}.
     */
    long longestAt(String text, int from) {
        int n = text.length();
        int node = 0;
        int j = from;
        long best = -1;
        while (j < n) {
            char c = text.charAt(j);
            char folded;
            if (Character.isWhitespace(c)) {
                folded = ' ';
                while (j < n && Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
            } else {
                folded = Chars.fold(c);
                j++;
            }
            node = child(node, folded);
            if (node == 0) {
                break;
            }
            byte kind = terminal[node];
            if (kind == NAME && Chars.tokenEnd(text, j) && folded != ' ') {
                best = ((long) j << 8) | NAME;
            } else if (kind == EMAIL && emailEnds(text, j)) {
                best = ((long) j << 8) | EMAIL;
            }
        }
        return best;
    }

    private static boolean emailEnds(String text, int j) {
        if (j >= text.length()) {
            return true;
        }
        char c = text.charAt(j);
        if (c == '.' || c == '-') {
            // "mail ada@example.com." ends a sentence; "ada@example.com.au" is another address.
            return j + 1 >= text.length() || !Chars.alnum(text.charAt(j + 1));
        }
        return !Chars.host(c) && c != '_';
    }
}
