package dev.bulwark.ai.sanitiser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets: API keys and tokens of common services, JWTs, PEM private keys, passwords in URLs, Authorization headers and
 * secret-looking values assigned to secret-named keys. All become {@code [SECRET]} and are never restored.
 *
 * <p>Speed: every pattern has keywords (its fixed prefix, or the key name before the value), as in gitleaks' rule set,
 * which inspired the patterns. One pass walks a small case-folded keyword trie from each token start (a letter or
 * digit not preceded by one); a pattern's regular expression runs only where one of its keywords starts, anchored there
 * and on a bounded window. PEM blocks are found with {@code indexOf("-----BEGIN")}, URL credentials from each
 * {@code @}.
 */
final class SecretRule implements Rule {

    /** One pattern: its keywords (lower case), the expression anchored at a keyword, the group that is the secret. */
    record Def(String id, List<String> keywords, Pattern pattern, int group, int window, Predicate<String> check) {
    }

    private static final String END = "(?![A-Za-z0-9_-])";
    private static final Set<String> NOT_VALUES = Set.of("null", "none", "true", "false", "undefined", "required",
            "optional", "string", "example", "changeme", "password", "secret", "redacted", "hidden", "xxxxxxxx",
            "********", "[secret]", "your_password", "your-password", "placeholder", "notset", "not_set", "provided");

    private final Def[] defs;
    /**
     * The keyword trie, kept small so that it stays in the processor's caches between prompts: {@code classes} numbers
     * the characters that occur in keywords (folded ASCII, 0 for any other), {@code next[node * width + class]} is the
     * next node (0 for none; node 0 is the root). With 128-wide rows of ints it took about 290 KB and a walk from a
     * token start touched a fresh 512-byte row at every step; here a row is {@code width} chars (36 for the standard
     * rules, about 40 KB in all).
     */
    private final char[] classes = new char[128];
    private final int width;
    private final char[] next;
    /** The patterns whose keyword ends at node {@code n}: {@code accepted[acceptFrom[n] .. acceptFrom[n + 1])}. */
    private final int[] acceptFrom;
    private final int[] accepted;

    SecretRule(List<Def> defs) {
        this.defs = defs.toArray(new Def[0]);
        int kinds = 1;
        for (Def def : this.defs) {
            for (String keyword : def.keywords()) {
                for (char c : keyword.toCharArray()) {
                    if (c >= 128 || Chars.fold(c) != c) {
                        throw new IllegalArgumentException("keywords are lower-case ASCII: " + def.id());
                    }
                    if (classes[c] == 0) {
                        classes[c] = (char) kinds++;
                    }
                }
            }
        }
        this.width = kinds;
        List<int[]> rows = new ArrayList<>();
        List<List<Integer>> acc = new ArrayList<>();
        rows.add(new int[width]);
        acc.add(new ArrayList<>());
        for (int d = 0; d < this.defs.length; d++) {
            for (String keyword : this.defs[d].keywords()) {
                int node = 0;
                for (char c : keyword.toCharArray()) {
                    int k = classes[c];
                    if (rows.get(node)[k] == 0) {
                        rows.add(new int[width]);
                        acc.add(new ArrayList<>());
                        rows.get(node)[k] = rows.size() - 1;
                    }
                    node = rows.get(node)[k];
                }
                if (!acc.get(node).contains(d)) {
                    acc.get(node).add(d);
                }
            }
        }
        if (rows.size() > Character.MAX_VALUE) {
            throw new IllegalArgumentException("too many keywords for the trie: " + rows.size() + " nodes");
        }
        this.next = new char[rows.size() * width];
        this.acceptFrom = new int[rows.size() + 1];
        List<Integer> flat = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            for (int k = 0; k < width; k++) {
                next[i * width + k] = (char) rows.get(i)[k];
            }
            acceptFrom[i] = flat.size();
            flat.addAll(acc.get(i));
        }
        acceptFrom[rows.size()] = flat.size();
        this.accepted = flat.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public void scan(Scan scan) {
        String text = scan.text;
        int n = text.length();
        CharSequence chars = scan.guarded();
        int[] tried = new int[defs.length];
        Arrays.fill(tried, -1);
        int[] starts = scan.tokenStarts();
        int count = scan.tokenStartCount();
        for (int s = 0; s < count; s++) {
            int i = starts[s];
            char c = text.charAt(i);
            if (c < 128 && next[classes[Chars.fold(c)]] != 0) {
                scan.tick();
                int node = 0;
                for (int j = i; j < n; j++) {
                    char k = text.charAt(j);
                    if (k >= 128) {
                        break;
                    }
                    node = next[node * width + classes[Chars.fold(k)]];
                    if (node == 0) {
                        break;
                    }
                    for (int a = acceptFrom[node], last = acceptFrom[node + 1]; a < last; a++) {
                        int d = accepted[a];
                        if (tried[d] != i) {
                            tried[d] = i;
                            match(scan, chars, defs[d], i);
                        }
                    }
                }
            }
        }
        for (int i = text.indexOf("-----BEGIN"); i >= 0; i = text.indexOf("-----BEGIN", i + 1)) {
            scan.tick();
            int end = pemEnd(text, i);
            if (end > 0) {
                scan.add(i, end, Kind.SECRET, "");
                i = end - 1;
            }
        }
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            scan.tick();
            int start = urlCredentialsStart(text, at);
            if (start >= 0) {
                scan.add(start, at, Kind.SECRET, "");
            }
        }
    }

    private static void match(Scan scan, CharSequence chars, Def def, int at) {
        Matcher m = def.pattern().matcher(chars);
        m.region(at, Math.min(chars.length(), at + def.window()));
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        if (m.lookingAt() && m.start(def.group()) >= 0) {
            String value = scan.text.substring(m.start(def.group()), m.end(def.group()));
            if (def.check() == null || def.check().test(value)) {
                scan.add(m.start(def.group()), m.end(def.group()), Kind.SECRET, "");
            }
        }
    }

    // ---- PEM private keys ------------------------------------------------------------------------------------------

    private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9]+ ){0,3}PRIVATE KEY( BLOCK)?-----");
    private static final Pattern PEM_END = Pattern.compile("-----END ([A-Z0-9]+ ){0,3}PRIVATE KEY( BLOCK)?-----");
    private static final int PEM_MAX = 16_384;

    /**
     * The end of the PEM private-key block that begins at {@code begin} (through its END line), or -1 when it is no
     * private key (a certificate, a public key). A block whose END line is missing (cut off) ends where its body ends.
     */
    static int pemEnd(String text, int begin) {
        Matcher head = PEM_BEGIN.matcher(text);
        head.region(begin, Math.min(text.length(), begin + 80));
        if (!head.lookingAt()) {
            return -1;
        }
        Matcher tail = PEM_END.matcher(text);
        tail.region(head.end(), Math.min(text.length(), head.end() + PEM_MAX));
        if (tail.find()) {
            return tail.end();
        }
        // Cut off: the body is base64, white space, header lines and escaped line breaks (\n inside JSON strings).
        int j = head.end();
        int n = text.length();
        while (j < n && j - begin < PEM_MAX) {
            char c = text.charAt(j);
            if (Chars.alnum(c) || c == '+' || c == '/' || c == '=' || c == ':' || c == ',' || c == '-'
                    || Character.isWhitespace(c)) {
                j++;
            } else if (c == '\\' && j + 1 < n && (text.charAt(j + 1) == 'n' || text.charAt(j + 1) == 'r')) {
                j += 2;
            } else {
                break;
            }
        }
        while (j > head.end() && Character.isWhitespace(text.charAt(j - 1))) {
            j--;
        }
        return j;
    }

    // ---- Credentials in URLs ---------------------------------------------------------------------------------------

    /**
     * For the {@code @} at {@code at} that ends a URL's {@code user:password} part ({@code scheme://user:pass@host}),
     * where that part starts; -1 when there is none (no scheme, no password, no host).
     */
    static int urlCredentialsStart(String text, int at) {
        if (at + 1 >= text.length() || !(Chars.alnum(text.charAt(at + 1)) || text.charAt(at + 1) == '[')) {
            return -1;
        }
        int s = at;
        int colon = -1;
        while (s > 0 && at - s < 512) {
            char c = text.charAt(s - 1);
            if (c == '/' || Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`') {
                break;
            }
            if (c == ':') {
                colon = s - 1;
            }
            s--;
        }
        if (s < 3 || !text.startsWith("://", s - 3) || colon < 0 || colon == at - 1) {
            return -1;
        }
        int scheme = s - 3;
        int k = scheme;
        while (k > 0 && (Chars.alnum(text.charAt(k - 1)) || text.charAt(k - 1) == '+' || text.charAt(k - 1) == '.'
                || text.charAt(k - 1) == '-')) {
            k--;
        }
        return k < scheme && Character.isLetter(text.charAt(k)) ? s : -1;
    }

    // ---- JWT -------------------------------------------------------------------------------------------------------

    /**
     * Whether a string has a JWT's shape: three (JWS) or five (JWE) base64url parts separated by dots, the first
     * decoding to a JSON object with an {@code alg}, {@code typ} or {@code enc} member.
     */
    static boolean jwtShape(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 && parts.length != 5) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            boolean mayBeEmpty = i == parts.length - 1 || (parts.length == 5 && i == 1);
            if ((parts[i].isEmpty() && !mayBeEmpty) || !parts[i].matches("[A-Za-z0-9_-]*={0,2}")) {
                return false;
            }
        }
        try {
            String header = new String(Base64.getUrlDecoder().decode(parts[0].replace("=", "")),
                    StandardCharsets.UTF_8).strip();
            return header.startsWith("{") && header.endsWith("}")
                    && (header.contains("\"alg\"") || header.contains("\"typ\"") || header.contains("\"enc\""));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- Values assigned to secret-named keys ----------------------------------------------------------------------

    /** A password's value: not a reference or a word from a form, at least 6 characters, two kinds of character. */
    static boolean passwordValue(String v) {
        if (v.length() < 6 || reference(v)) {
            return false;
        }
        return classes(v) >= 2 || v.length() >= 12;
    }

    /** A token's or key's value: long, mixed and random-looking, and no date or timestamp. */
    static boolean tokenValue(String v) {
        if (v.length() < 12 || reference(v) || v.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
            return false;
        }
        return classes(v) >= 2 && entropy(v) >= 3.0;
    }

    private static boolean reference(String v) {
        char c = v.charAt(0);
        String lower = v.toLowerCase(Locale.ROOT);
        return c == '$' || c == '%' || c == '*' || c == '<' || c == '{' || c == '/' || c == '.' || c == '#' || c == '&'
                || lower.startsWith("env.") || lower.startsWith("process.env") || lower.startsWith("os.environ")
                || lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("secrets.")
                || lower.startsWith("vault:") || NOT_VALUES.contains(lower) || v.chars().allMatch(ch -> ch == v.charAt(0));
    }

    private static int classes(String v) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else {
                other = true;
            }
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String v) {
        int[] counts = new int[128];
        int others = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                others++;
            }
        }
        double h = 0;
        double n = v.length();
        for (int count : counts) {
            if (count > 0) {
                double p = count / n;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        if (others > 0) {
            double p = others / n;
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }

    /** A bearer token, not a word ("bearer authentication."): letters and digits. */
    static boolean bearerValue(String v) {
        boolean letter = false;
        boolean digit = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            letter |= Character.isLetter(c);
            digit |= c >= '0' && c <= '9';
        }
        return letter && digit && !reference(v);
    }

    /** A key made of letters, digits and its punctuation, with at least one digit, one upper and one lower case letter. */
    private static boolean mixed(String v) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
            digit |= c >= '0' && c <= '9';
        }
        return lower && upper && digit;
    }

    // ---- The rule set ----------------------------------------------------------------------------------------------

    private static Def def(String id, List<String> keywords, String regex, int window) {
        return new Def(id, keywords, Pattern.compile(regex), 0, window, null);
    }

    private static Def def(String id, List<String> keywords, String regex, int group, int window,
            Predicate<String> check) {
        return new Def(id, keywords, Pattern.compile(regex), group, window, check);
    }

    /** The standard set. Compiling it is the rule load that can fail (a bad expression): then nothing is sanitised. */
    static SecretRule standard() {
        List<Def> d = new ArrayList<>();
        // Stripe
        d.add(def("stripe", List.of("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
                "[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,247}" + END, 300));
        d.add(def("stripe-webhook-secret", List.of("whsec_"), "whsec_[A-Za-z0-9+/=]{24,128}(?![A-Za-z0-9+/=])", 160));
        // AWS
        d.add(def("aws-access-key-id", List.of("akia", "asia", "abia", "acca", "a3t"),
                "(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])", 24));
        d.add(def("aws-secret-access-key", List.of("aws", "secret"),
                "(?i:(?:aws[_. -]?)?secret[_. -]?(?:access[_. -]?)?key(?:[_. -]?id)?)[\"']?\\s{0,3}(?:=|:=|:|=>|,)\\s{0,3}[\"']?"
                        + "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", 1, 120, null));
        // GitHub
        d.add(def("github-token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
                "gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])", 260));
        d.add(def("github-fine-grained-pat", List.of("github_pat_"), "github_pat_[A-Za-z0-9_]{22,242}(?![A-Za-z0-9_])",
                260));
        // GitLab
        d.add(def("gitlab-token", List.of("glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "glcbt-", "glimt-", "glagent-",
                "gloas-", "glft-", "glffct-"),
                "gl(?:pat|dt|rt|ptt|soat|cbt|imt|agent|oas|ft|ffct)-[A-Za-z0-9_.-]{20,300}" + END, 320));
        // Slack
        d.add(def("slack-token", List.of("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxo-", "xoxe."),
                "xox[abposre](?:\\.xox[bp])?-[A-Za-z0-9-]{10,250}" + END, 270));
        d.add(def("slack-app-token", List.of("xapp-"), "xapp-\\d-[A-Za-z0-9-]{10,250}" + END, 270));
        d.add(def("slack-webhook", List.of("https://hooks.slack.com/", "http://hooks.slack.com/", "hooks.slack.com/"),
                "(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,200}", 240));
        d.add(def("discord-webhook", List.of("https://discord.com/api/webhooks/",
                "https://discordapp.com/api/webhooks/"),
                "https://discord(?:app)?\\.com/api/webhooks/\\d{5,30}/[A-Za-z0-9_-]{40,100}", 200));
        // OpenAI, Anthropic, Perplexity, Hugging Face
        d.add(def("openai", List.of("sk-"), "(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{32,250})" + END, 1, 280,
                SecretRule::mixed));
        d.add(def("anthropic", List.of("sk-ant-"), "sk-ant-(?:api|admin|oat|sid)\\d{2}-[A-Za-z0-9_-]{32,250}" + END,
                280));
        d.add(def("perplexity", List.of("pplx-"), "pplx-[A-Za-z0-9]{48}" + END, 60));
        d.add(def("huggingface", List.of("hf_", "api_org_"), "(?:hf_|api_org_)[A-Za-z]{34,40}" + END, 50));
        // Google
        d.add(def("gcp-api-key", List.of("aiza"), "AIza[0-9A-Za-z_-]{35}" + END, 48));
        // JSON Web Tokens
        d.add(def("jwt", List.of("eyj"),
                "(eyJ[A-Za-z0-9_-]{5,}={0,2}\\.[A-Za-z0-9_-]{5,}={0,2}\\.[A-Za-z0-9_-]*={0,2}"
                        + "(?:\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)?)" + END, 1, 8192, SecretRule::jwtShape));
        // More services with fixed prefixes
        d.add(def("npm", List.of("npm_"), "npm_[A-Za-z0-9]{36}" + END, 44));
        d.add(def("sendgrid", List.of("sg."), "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}" + END, 72));
        d.add(def("digitalocean", List.of("dop_v1_", "doo_v1_", "dor_v1_"), "do[por]_v1_[a-f0-9]{64}" + END, 76));
        d.add(def("shopify", List.of("shpat_", "shpca_", "shppa_", "shpss_"), "shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + END,
                42));
        d.add(def("pypi", List.of("pypi-ageichlwas5vcmc"), "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}" + END, 1040));
        d.add(def("databricks", List.of("dapi"), "dapi[a-f0-9]{32}(?:-\\d)?" + END, 40));
        d.add(def("postman", List.of("pmak-"), "PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}" + END, 70));
        d.add(def("twilio-api-key", List.of("sk"), "SK[0-9a-fA-F]{32}" + END, 40));
        d.add(def("mailgun", List.of("key-"), "key-[0-9a-f]{32}" + END, 40));
        d.add(def("square", List.of("sq0atp-", "sq0csp-"), "sq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}" + END, 70));
        d.add(def("atlassian", List.of("atatt3"), "ATATT3[A-Za-z0-9_=-]{150,250}" + END, 260));
        d.add(def("vault", List.of("hvs.", "hvb."), "hv[sb]\\.[A-Za-z0-9_-]{90,300}" + END, 310));
        d.add(def("linear", List.of("lin_api_"), "lin_api_[A-Za-z0-9]{40}" + END, 50));
        d.add(def("grafana", List.of("glc_", "glsa_"),
                "(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9+/=_])", 420));
        d.add(def("age", List.of("age-secret-key-1"), "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", 80));
        d.add(def("azure-storage", List.of("accountkey"), "(?i:AccountKey)=([A-Za-z0-9+/]{86}==)", 1, 110, null));
        d.add(def("heroku", List.of("hrku-"), "HRKU-[A-Za-z0-9_-]{60}" + END, 70));
        d.add(def("doppler", List.of("dp.pt.", "dp.st.", "dp.sa.", "dp.ct."), "dp\\.(?:pt|st|sa|ct)\\.[A-Za-z0-9]{40,44}"
                + END, 60));
        d.add(def("sentry", List.of("sntryu_", "sntrys_"), "sntry[us]_[A-Za-z0-9+/=_]{40,400}" + END, 420));
        d.add(def("notion", List.of("ntn_"), "ntn_[0-9]{11}[A-Za-z0-9]{35}" + END, 60));
        // Authorization headers
        d.add(def("bearer", List.of("bearer"), "(?i:bearer)[ \\t]+([A-Za-z0-9._~+/=-]{8,4096})(?![A-Za-z0-9._~+/=-])", 1,
                4200, SecretRule::bearerValue));
        d.add(def("authorization-header", List.of("authorization", "proxy-authorization"),
                "(?i:(?:proxy-)?authorization)[\"']?\\s{0,3}[:=]\\s{0,3}[\"']?(?:(?i:bearer|basic|token|apikey|api-key|sso-key)"
                        + "[ \\t]+)?([A-Za-z0-9._~+/=:-]{8,4096})(?![A-Za-z0-9._~+/=:-])", 1, 4200,
                v -> !reference(v) && classes(v) >= 2));
        // Values assigned to secret-named keys (password: ..., "client_secret": "...", API_KEY=...)
        d.add(def("password-assignment", List.of("password", "passwd", "passphrase", "pass_word"),
                "(?i:password|passwd|passphrase|pass_word)[A-Za-z0-9_.-]{0,24}?[\"']?\\s{0,3}(?:=|:=|:|=>)\\s{0,3}[\"'`]?"
                        + "([^\\s\"'`,;<>(){}\\[\\]]{1,512})", 1, 600, SecretRule::passwordValue));
        d.add(def("secret-assignment", List.of("secret", "client_secret", "api_key", "apikey", "api-key", "access_token",
                "auth_token", "refresh_token", "private_key", "secret_key", "access_key", "token", "session_token"),
                "(?i:client[_-]?secret|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token"
                        + "|private[_-]?key|secret[_-]?key|access[_-]?key|session[_-]?token|token)"
                        + "[A-Za-z0-9_.-]{0,24}?[\"']?\\s{0,3}(?:=|:=|:|=>)\\s{0,3}[\"'`]?"
                        + "([^\\s\"'`,;<>(){}\\[\\]&]{1,512})", 1, 600, SecretRule::tokenValue));
        return new SecretRule(d);
    }
}
