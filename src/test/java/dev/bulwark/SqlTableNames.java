package dev.bulwark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table names in a Java source's SQL: its string literals and text blocks (comments are skipped) are read for
 * {@code FROM}, {@code JOIN}, {@code INTO}, {@code UPDATE}, {@code DELETE FROM}, {@code TRUNCATE} and {@code TABLE}
 * followed by a lower-case name. SQL keywords are upper case in this code base, so prose in messages ("read from the
 * log") is not taken for SQL; a name followed by {@code (} is a function, and names a {@code WITH} defines are not
 * tables. A name built at run time ({@code "FROM " + table}) is not seen: those come from the module's own spec.
 */
final class SqlTableNames {

    private static final Pattern NAMED = Pattern.compile(
            "(?<![A-Za-z_])(?<!DISTINCT )(FROM|JOIN|INTO|UPDATE|TRUNCATE|TABLE)\\s+(?:ONLY\\s+|IF\\s+(?:NOT\\s+)?EXISTS\\s+)?"
                    + "([a-z_][a-z0-9_]*)(?:\\.([a-z_][a-z0-9_]*))?(?![a-z0-9_(])");
    private static final Pattern CTE = Pattern.compile("(?:WITH(?:\\s+RECURSIVE)?|,)\\s*([a-z_][a-z0-9_]*)\\s+AS\\s*(?:NOT\\s+)?(?:MATERIALIZED\\s+)?\\(");

    private SqlTableNames() {
    }

    /** The tables {@code source}'s SQL names, in the order they first appear; {@code pg_*} catalogs excluded. */
    static Set<String> in(String source) {
        Set<String> tables = new LinkedHashSet<>();
        for (String literal : literals(source)) {
            Set<String> ctes = new HashSet<>();
            Matcher cte = CTE.matcher(literal);
            while (cte.find()) {
                ctes.add(cte.group(1));
            }
            Matcher m = NAMED.matcher(literal);
            while (m.find()) {
                String name = m.group(3) != null ? m.group(3) : m.group(2);
                if (!name.startsWith("pg_") && !ctes.contains(name) && !"information_schema".equals(m.group(2))) {
                    tables.add(name);
                }
            }
        }
        return tables;
    }

    /** The contents of every string literal and text block of {@code source}, comments and char literals skipped. */
    static List<String> literals(String source) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = indexOrEnd(source, "\n", i);
            } else if (source.startsWith("/*", i)) {
                i = indexOrEnd(source, "*/", i + 2) + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end;
                literals.add(source.substring(i + 3, end));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    if (source.charAt(j) == '\\' && j + 1 < n) {
                        text.append(source.charAt(j + 1));
                        j += 2;
                    } else {
                        text.append(source.charAt(j++));
                    }
                }
                if (c == '"') {
                    literals.add(text.toString());
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return literals;
    }

    private static int indexOrEnd(String source, String token, int from) {
        int at = source.indexOf(token, from);
        return at < 0 ? source.length() : at;
    }
}
