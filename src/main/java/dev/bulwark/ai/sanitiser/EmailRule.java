package dev.bulwark.ai.sanitiser;

import java.util.Locale;
import java.util.Set;

/**
 * E-mail addresses: found from each {@code @} by walking out to the local part and the host, which must have a dot and
 * an alphabetic top-level label. Guards: {@code icon@2x.png} and {@code lodash@4.17.21} are no addresses (a file
 * extension or a number is no top-level domain), {@code scheme://user@host} is a URL's user and
 * {@code git@github.com:org/repo.git} an SSH remote, not an address.
 */
final class EmailRule implements Rule {

    /** File extensions that look like top-level domains after an {@code @} ({@code logo@2x.png}). */
    private static final Set<String> FILE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp",
            "tif", "tiff", "css", "scss", "js", "mjs", "cjs", "ts", "tsx", "jsx", "json", "yaml", "yml", "xml", "txt",
            "md", "java", "kt", "class", "jar", "war", "py", "rb", "php", "rs", "cpp", "hpp", "html", "htm", "lock",
            "log", "tar", "gz", "tgz", "zip", "pdf", "csv", "sh", "toml", "ini", "cfg", "conf", "env", "bak", "tmp",
            "map", "min", "svelte", "vue", "proto", "sql", "wasm");

    @Override
    public void scan(Scan scan) {
        String text = scan.text;
        int n = text.length();
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            scan.tick();
            int end = end(text, at);
            int start = start(text, at);
            if (start < 0 || end < 0) {
                continue;
            }
            scan.add(start, end, Kind.EMAIL, key(text, start, end));
        }
    }

    static String key(String text, int start, int end) {
        return text.substring(start, end).toLowerCase(Locale.ROOT);
    }

    /** The start of the local part before {@code @}, or -1. */
    private static int start(String text, int at) {
        int s = at;
        while (s > 0 && Chars.emailLocal(text.charAt(s - 1))) {
            s--;
            if (at - s > 64) {
                return -1;
            }
        }
        while (s < at && !Chars.alnum(text.charAt(s))) {
            s++;
        }
        if (s == at || text.charAt(at - 1) == '.') {
            return -1;
        }
        if (s >= 3 && text.startsWith("://", s - 3)) {
            return -1;
        }
        return s;
    }

    /** The end of the host after {@code @}, or -1. */
    private static int end(String text, int at) {
        int n = text.length();
        int e = at + 1;
        int lastDot = -1;
        int label = 0;
        while (e < n) {
            char c = text.charAt(e);
            if (Chars.host(c)) {
                e++;
                label++;
            } else if (c == '.' && label > 0 && e + 1 < n && Chars.alnum(text.charAt(e + 1))) {
                lastDot = e;
                e++;
                label = 0;
            } else {
                break;
            }
        }
        if (lastDot < 0 || e - at > 254) {
            return -1;
        }
        if (e < n && Chars.alnum(text.charAt(e))) {
            return -1;
        }
        int tld = e - lastDot - 1;
        if (tld < 2 || tld > 24) {
            return -1;
        }
        for (int i = lastDot + 1; i < e; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')) {
                return -1;
            }
        }
        if (FILE_EXTENSIONS.contains(text.substring(lastDot + 1, e).toLowerCase(Locale.ROOT))) {
            return -1;
        }
        // git@github.com:acme/app.git is an SSH remote (host:path), not an address.
        if (e + 1 < n && text.charAt(e) == ':' && !Chars.digit(text.charAt(e + 1)) && !Character.isWhitespace(text.charAt(e + 1))) {
            return -1;
        }
        return e;
    }
}
