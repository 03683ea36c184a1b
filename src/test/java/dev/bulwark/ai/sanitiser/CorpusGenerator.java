package dev.bulwark.ai.sanitiser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the sanitiser's labelled corpus to {@code src/test/resources/ai/corpus/} from a fixed seed: positives of every
 * kind embedded in JSON, log lines, e-mail text, CSV, code and Markdown, each with its expected spans, and hard
 * negatives (identifiers, hashes, dates, numbers that fail a checksum...) that must pass untouched. The files are
 * committed; {@link SanitiserCorpusTest} reads them. To regenerate (the same seed gives the same files):
 * {@code java -cp target/test-classes:target/classes:<test classpath> dev.bulwark.ai.sanitiser.CorpusGenerator}.
 */
final class CorpusGenerator {

    static final long SEED = 20_261_205L;
    static final Path DIR = Path.of("src/test/resources/ai/corpus");

    /** An expected finding: {@code [start, end)} of the text, its kind (redactions key) and its subtype. */
    record Span(int start, int end, String kind, String type) {
    }

    /**
     * One corpus line: the text, the session's default country (or null), the expected spans, and the types of the
     * hard negatives embedded in it.
     */
    record Sample(String id, String country, String text, List<Span> spans, List<String> negatives) {
    }

    /** The organisation's contacts the corpus is scanned with. */
    record Contacts(List<String> names, List<String> emails) {
    }

    /** A value in its immediate context, with the span to redact inside it. */
    private record Snip(String text, int start, int end, String kind, String type) {
        static Snip whole(String text, String kind, String type) {
            return new Snip(text, 0, text.length(), kind, type);
        }
    }

    private enum Carrier { JSON, LOG, EMAIL, CSV, CODE, MARKDOWN }

    static final List<String> CONTACT_NAMES = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
            "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton", "Tim Berners-Lee", "Radia Perlman",
            "Frances Allen", "John McCarthy", "Shafi Goldwasser", "Leslie Lamport", "Hedy Lamarr", "Sophie Wilson",
            "Annie Easley", "Dennis Ritchie", "Ken Thompson", "Niklaus Wirth", "Joan Clarke", "Karen Spärck Jones",
            "Whitfield Diffie", "Martin Hellman", "Ronald Rivest", "Adi Shamir", "Leonard Adleman", "Silvio Micali",
            "Jean Bartik", "Kathleen Booth", "Evelyn Berezin", "Mary Allen Wilkes", "Lynn Conway", "Fran Bilas",
            "Betty Holberton", "Marlyn Wescoff", "Ruth Teitelbaum", "Kay McNulty", "Ida Rhodes", "Klara Dan von Neumann",
            "Hamid Karimi", "Yuki Tanaka", "Chidi Okafor", "Priya Raman", "Zoë Dubois", "Søren Kierkegaard-Lund",
            "Siobhán O'Sullivan", "José Álvarez", "Małgorzata Nowak", "Björn Lindqvist");

    private static final String[] FIRST = {"john", "maria", "wei", "fatima", "lucas", "emma", "noah", "olivia", "liam",
        "mia", "arjun", "sofia", "mateo", "hannah", "omar", "lea", "felix", "chloe", "ivan", "nina", "kofi", "aiko",
        "diego", "sara", "tom", "julia", "ben", "clara", "max", "lina"};
    private static final String[] LAST = {"smith", "garcia", "chen", "khan", "muller", "rossi", "novak", "kim", "silva",
        "jones", "brown", "wilson", "meyer", "dubois", "costa", "sato", "ivanova", "patel", "nguyen", "martin",
        "schmidt", "fischer", "weber", "moreau", "bianchi", "hansen", "berg", "larsen", "kowalski", "horvat"};
    private static final String[] DOMAINS = {"example.com", "acme-corp.io", "mail.example.org", "fastmail.fm",
        "company.co.uk", "startup.dev", "uni-heidelberg.de", "orange.fr", "web.de", "gmail.com", "outlook.com",
        "proton.me", "corp.example.net", "eu.acme-corp.io", "kanzlei-weber.de", "studio.design"};
    private static final String[] IBAN_COUNTRIES = {"DE", "GB", "FR", "NL", "ES", "IT", "BE", "AT", "CH", "IE", "PL",
        "PT", "SE", "DK", "FI", "NO", "LU", "CZ", "HU", "RO", "GR", "HR", "SI", "SK", "LT", "LV", "EE", "MT", "CY", "BG",
        "IS", "LI", "MC", "SA", "AE", "TR", "IL", "BR", "QA", "KW", "LC", "RU", "UA", "SC"};
    private static final String[] PHONE_REGIONS = {"US", "GB", "DE", "FR", "NL", "ES", "IT", "CH", "AU", "IN", "BR", "JP",
        "CA", "SE", "PL", "IE", "BE", "AT", "DK", "NO", "MX", "ZA", "SG", "NZ", "PT"};
    private static final String[] NATIONAL_REGIONS = {"US", "GB", "DE", "FR"};
    private static final String BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String URLSAFE = BASE62 + "_-";
    private static final String B64 = BASE62 + "+/";
    private static final String HEX = "0123456789abcdef";

    private final Random r = new Random(SEED);
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private int serial;

    public static void main(String[] args) throws IOException {
        new CorpusGenerator().write(args.length > 0 ? Path.of(args[0]) : DIR);
    }

    static Contacts contacts() {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            emails.add(contactEmail(CONTACT_NAMES.get(i)));
        }
        return new Contacts(CONTACT_NAMES, emails);
    }

    private static String contactEmail(String name) {
        String ascii = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", ".") + "@partners.example.org";
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonMapper json = JsonMapper.builder().build();
        List<Sample> positives = positives();
        List<Sample> negatives = negatives();
        writeLines(dir.resolve("positives.jsonl"), positives, json);
        writeLines(dir.resolve("negatives.jsonl"), negatives, json);
        Files.writeString(dir.resolve("contacts.json"), json.writeValueAsString(contacts()) + "\n", StandardCharsets.UTF_8);
    }

    private static void writeLines(Path file, List<Sample> samples, JsonMapper json) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Sample s : samples) {
            b.append(json.writeValueAsString(s)).append('\n');
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    // ---- Positives -------------------------------------------------------------------------------------------------

    List<Sample> positives() {
        List<Sample> out = new ArrayList<>();
        String[][] secrets = {{"stripe", "40"}, {"stripe-webhook", "20"}, {"aws-access-key-id", "40"},
            {"aws-secret-access-key", "40"}, {"github", "50"}, {"gitlab", "20"}, {"slack-token", "40"},
            {"slack-webhook", "25"}, {"openai", "40"}, {"anthropic", "30"}, {"google-api-key", "40"}, {"jwt", "50"},
            {"pem-private-key", "40"}, {"url-credentials", "50"}, {"bearer", "50"}, {"password", "50"},
            {"secret-assignment", "30"}, {"npm", "15"}, {"sendgrid", "15"}, {"huggingface", "15"},
            {"digitalocean", "15"}, {"shopify", "10"}};
        for (String[] s : secrets) {
            for (int i = 0; i < Integer.parseInt(s[1]); i++) {
                Carrier c = carrier();
                out.add(embed(secret(s[0], c), c, null));
            }
        }
        for (int i = 0; i < 300; i++) {
            Carrier c = carrier();
            out.add(embed(card(), c, null));
        }
        for (int i = 0; i < 300; i++) {
            Carrier c = carrier();
            out.add(embed(iban(), c, null));
        }
        for (int i = 0; i < 300; i++) {
            Carrier c = carrier();
            out.add(embed(Snip.whole(email(), "email", "email"), c, null));
        }
        for (int i = 0; i < 60; i++) {
            Carrier c = carrier();
            List<String> emails = contacts().emails();
            out.add(embed(Snip.whole(emails.get(r.nextInt(emails.size())), "email", "contact-email"), c, null));
        }
        for (int i = 0; i < 250; i++) {
            Carrier c = carrier();
            out.add(embed(Snip.whole(internationalPhone(), "phone", "phone-international"), c, null));
        }
        for (int i = 0; i < 100; i++) {
            Carrier c = carrier();
            String region = pick(NATIONAL_REGIONS);
            out.add(embed(Snip.whole(nationalPhone(region), "phone", "phone-national"), c, region));
        }
        for (int i = 0; i < 300; i++) {
            Carrier c = carrier();
            out.add(embed(Snip.whole(contactName(), "name", "contact-name"), c, null));
        }
        return out;
    }

    private Carrier carrier() {
        return Carrier.values()[r.nextInt(Carrier.values().length)];
    }

    private Snip secret(String type, Carrier carrier) {
        return switch (type) {
            case "stripe" -> Snip.whole(pick("sk_live_", "sk_test_", "rk_live_", "rk_test_")
                    + mixed(BASE62, r.nextBoolean() ? 24 : 99), "secret", type);
            case "stripe-webhook" -> Snip.whole("whsec_" + mixed(BASE62, 32), "secret", type);
            case "aws-access-key-id" -> Snip.whole(pick("AKIA", "ASIA") + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                    "secret", type);
            case "aws-secret-access-key" -> assignment(pick("aws_secret_access_key = %s", "AWS_SECRET_ACCESS_KEY=%s",
                    "\"SecretAccessKey\": \"%s\"", "aws_secret_access_key: %s", "secret_access_key => '%s'"),
                    mixed(B64, 40), type);
            case "github" -> Snip.whole(r.nextInt(5) == 0
                    ? "github_pat_" + mixed(BASE62, 22) + "_" + mixed(BASE62, 59)
                    : pick("ghp_", "gho_", "ghu_", "ghs_", "ghr_") + mixed(BASE62, 36), "secret", type);
            case "gitlab" -> Snip.whole("glpat-" + mixed(BASE62, 20), "secret", type);
            case "slack-token" -> Snip.whole(r.nextBoolean()
                    ? "xoxb-" + digits(11) + "-" + digits(13) + "-" + mixed(BASE62, 24)
                    : "xoxp-" + digits(11) + "-" + digits(11) + "-" + digits(13) + "-" + random(HEX, 32), "secret", type);
            case "slack-webhook" -> Snip.whole("https://hooks.slack.com/services/T" + random(BASE62.substring(0, 26)
                    + "0123456789", 8) + "/B" + random(BASE62.substring(0, 26) + "0123456789", 10) + "/"
                    + mixed(BASE62, 24), "secret", type);
            case "openai" -> Snip.whole(r.nextBoolean()
                    ? "sk-proj-" + mixed(URLSAFE, 74) + "T3BlbkFJ" + mixed(URLSAFE, 74)
                    : "sk-" + mixed(BASE62, 20) + "T3BlbkFJ" + mixed(BASE62, 20), "secret", type);
            case "anthropic" -> Snip.whole("sk-ant-api03-" + mixed(URLSAFE, 93) + "AA", "secret", type);
            case "google-api-key" -> Snip.whole("AIza" + mixed(BASE62, 35), "secret", type);
            case "jwt" -> Snip.whole(jwt(), "secret", type);
            case "pem-private-key" -> Snip.whole(pem(carrier == Carrier.JSON || carrier == Carrier.CSV), "secret", type);
            case "url-credentials" -> urlCredentials();
            case "bearer" -> bearer();
            case "password" -> assignment(pick("password: %s", "DB_PASSWORD=%s", "\"password\": \"%s\"",
                    "spring.datasource.password=%s", "--password=%s", "smtp_passwd = '%s'"), password(), type);
            case "secret-assignment" -> assignment(pick("\"client_secret\": \"%s\"", "API_KEY=%s", "api_key: %s",
                    "SESSION_TOKEN=%s", "refresh_token = \"%s\""), mixed(BASE62, 32 + r.nextInt(17)), type);
            case "npm" -> Snip.whole("npm_" + mixed(BASE62, 36), "secret", type);
            case "sendgrid" -> Snip.whole("SG." + mixed(URLSAFE, 22) + "." + mixed(URLSAFE, 43), "secret", type);
            case "huggingface" -> Snip.whole("hf_" + random(BASE62.substring(0, 52), 34), "secret", type);
            case "digitalocean" -> Snip.whole("dop_v1_" + random(HEX, 64), "secret", type);
            case "shopify" -> Snip.whole("shpat_" + random(HEX, 32), "secret", type);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Snip assignment(String template, String value, String type) {
        int at = template.indexOf("%s");
        String text = template.replace("%s", value);
        return new Snip(text, at, at + value.length(), "secret", type);
    }

    private String jwt() {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String header = pick("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"RS256\",\"kid\":\"" + random(HEX, 16)
                + "\",\"typ\":\"JWT\"}", "{\"typ\":\"JWT\",\"alg\":\"ES256\"}");
        String payload = "{\"sub\":\"" + UUID.nameUUIDFromBytes(random(HEX, 8).getBytes()) + "\",\"iat\":"
                + (1_700_000_000 + r.nextInt(50_000_000)) + ",\"exp\":" + (1_760_000_000 + r.nextInt(50_000_000))
                + ",\"scope\":\"" + pick("read", "read write", "admin") + "\"}";
        byte[] sig = new byte[r.nextBoolean() ? 32 : 256];
        r.nextBytes(sig);
        return enc.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + enc.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + enc.encodeToString(sig);
    }

    private String pem(boolean escapedNewlines) {
        String label = pick("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
                "ENCRYPTED PRIVATE KEY");
        String nl = escapedNewlines ? "\\n" : "\n";
        StringBuilder b = new StringBuilder("-----BEGIN ").append(label).append("-----").append(nl);
        int lines = 4 + r.nextInt(22);
        for (int i = 0; i < lines; i++) {
            b.append(random(B64, i == lines - 1 ? 20 + r.nextInt(40) : 64)).append(nl);
        }
        return b.append("-----END ").append(label).append("-----").toString();
    }

    private Snip urlCredentials() {
        String scheme = pick("postgres", "postgresql", "mysql", "redis", "amqp", "https", "mongodb+srv", "ftp", "smtp");
        String user = pick(FIRST) + pick("", "_svc", "-app", "01");
        String pass = pick(BASE62.substring(0, 26)) + random(BASE62 + "!~*-_.", 9 + r.nextInt(14));
        String host = pick("db.internal", "10.0.4.17", "cache.prod.example.com", "mq.example.net", "localhost",
                "cluster0.ab12c.mongodb.net");
        String prefix = scheme + "://";
        String text = prefix + user + ":" + pass + "@" + host + pick("", ":5432/app", ":6379/0", "/orders?sslmode=require");
        return new Snip(text, prefix.length(), prefix.length() + user.length() + 1 + pass.length(), "secret",
                "url-credentials");
    }

    private Snip bearer() {
        String token = switch (r.nextInt(3)) {
            case 0 -> mixed(BASE62, 40);
            case 1 -> "ya29." + mixed(URLSAFE, 100);
            default -> mixed(BASE62, 16) + "." + mixed(BASE62, 24);
        };
        String template = pick("Authorization: Bearer %s", "curl -H \"Authorization: Bearer %s\" https://api.example.com/v1/me",
                "headers: { Authorization: 'Bearer %s' }", "authorization: bearer %s");
        return assignment(template, token, "bearer");
    }

    private String password() {
        String symbols = "!#%^&*-_+?=";
        StringBuilder b = new StringBuilder();
        b.append(BASE62.charAt(r.nextInt(52)));
        int n = 9 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            String pool = r.nextInt(5) == 0 ? symbols : BASE62;
            b.append(pool.charAt(r.nextInt(pool.length())));
        }
        b.append(r.nextInt(10));
        return b.toString();
    }

    private Snip card() {
        int brand = r.nextInt(9);
        String prefix;
        int length;
        switch (brand) {
            case 0, 1 -> { prefix = "4"; length = 16; }
            case 2 -> { prefix = String.valueOf(51 + r.nextInt(5)); length = 16; }
            case 3 -> { prefix = String.valueOf(2221 + r.nextInt(500)); length = 16; }
            case 4 -> { prefix = pick("34", "37"); length = 15; }
            case 5 -> { prefix = pick("6011", "65", "644"); length = 16; }
            case 6 -> { prefix = String.valueOf(3528 + r.nextInt(62)); length = 16; }
            case 7 -> { prefix = "36"; length = 14; }
            default -> { prefix = "62"; length = 16 + r.nextInt(4); }
        }
        String number = luhnComplete(prefix + digits(length - prefix.length() - 1));
        String formatted;
        int style = r.nextInt(3);
        if (style == 0) {
            formatted = number;
        } else {
            String sep = style == 1 ? " " : "-";
            if (length == 15 || length == 14) {
                formatted = number.substring(0, 4) + sep + number.substring(4, 10) + sep + number.substring(10);
            } else {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < length; i += 4) {
                    if (i > 0) {
                        b.append(sep);
                    }
                    b.append(number, i, Math.min(length, i + 4));
                }
                formatted = b.toString();
            }
        }
        return Snip.whole(formatted, "card", "card");
    }

    static String luhnComplete(String body) {
        for (int d = 0; d <= 9; d++) {
            if (CardRule.luhn(body + d)) {
                return body + d;
            }
        }
        throw new IllegalStateException();
    }

    private Snip iban() {
        String country = pick(IBAN_COUNTRIES);
        String compact = ibanFor(country, true);
        return Snip.whole(r.nextBoolean() ? compact : printed(compact), "iban", "iban");
    }

    /** An IBAN for the country, with right (or, for negatives, wrong) check digits. */
    String ibanFor(String country, boolean valid) {
        int length = IbanRule.LENGTHS.get(country);
        StringBuilder bban = new StringBuilder();
        boolean letters = country.equals("GB") || country.equals("NL") || country.equals("IE") || country.equals("MT")
                || country.equals("BG") || country.equals("RO") || country.equals("LC") || country.equals("SC");
        for (int i = 0; i < length - 4; i++) {
            bban.append(letters && i < 4 ? (char) ('A' + r.nextInt(26)) : (char) ('0' + r.nextInt(10)));
        }
        for (int check = 2; check <= 98; check++) {
            String candidate = country + String.format("%02d", check) + bban;
            if (IbanRule.mod97(candidate) == valid) {
                if (valid || check > 2 + r.nextInt(90)) {
                    return candidate;
                }
            }
        }
        return country + "00" + bban;
    }

    static String printed(String compact) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < compact.length(); i += 4) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(compact, i, Math.min(compact.length(), i + 4));
        }
        return b.toString();
    }

    private String email() {
        String first = pick(FIRST);
        String last = pick(LAST);
        String local = switch (r.nextInt(6)) {
            case 0 -> first + "." + last;
            case 1 -> first.charAt(0) + last;
            case 2 -> first + "_" + last + r.nextInt(100);
            case 3 -> first + "+" + pick("news", "billing", "test") ;
            case 4 -> Character.toUpperCase(first.charAt(0)) + first.substring(1) + "." + Character.toUpperCase(last.charAt(0))
                    + last.substring(1);
            default -> last + "-" + first;
        };
        return local + "@" + pick(DOMAINS);
    }

    private String internationalPhone() {
        String region = pick(PHONE_REGIONS);
        PhoneNumber number = validNumber(region);
        return switch (r.nextInt(4)) {
            case 0 -> phones.format(number, PhoneNumberFormat.E164);
            case 1 -> phones.format(number, PhoneNumberFormat.INTERNATIONAL).replace(' ', '-').replace("--", "-");
            default -> phones.format(number, PhoneNumberFormat.INTERNATIONAL);
        };
    }

    private String nationalPhone(String region) {
        return phones.format(validNumber(region), PhoneNumberFormat.NATIONAL);
    }

    private PhoneNumber validNumber(String region) {
        PhoneNumberType type = r.nextBoolean() ? PhoneNumberType.MOBILE : PhoneNumberType.FIXED_LINE;
        PhoneNumber example = phones.getExampleNumberForType(region, type);
        if (example == null) {
            example = phones.getExampleNumber(region);
        }
        String national = phones.getNationalSignificantNumber(example);
        for (int attempt = 0; attempt < 200; attempt++) {
            int keep = Math.max(3, national.length() - 4);
            String candidate = national.substring(0, keep) + digits(national.length() - keep);
            try {
                PhoneNumber n = phones.parse("+" + example.getCountryCode() + candidate, "ZZ");
                if (phones.isValidNumber(n)) {
                    return n;
                }
            } catch (NumberParseException e) {
                // try again
            }
        }
        return example;
    }

    private String contactName() {
        String name = CONTACT_NAMES.get(r.nextInt(CONTACT_NAMES.size()));
        return switch (r.nextInt(6)) {
            case 0 -> name.toLowerCase(Locale.ROOT);
            case 1 -> name.toUpperCase(Locale.ROOT);
            default -> name;
        };
    }

    // ---- Negatives -------------------------------------------------------------------------------------------------

    static final String[] NEGATIVE_TYPES = {"uuid", "git-sha", "short-sha", "sha256", "md5", "version", "timestamp",
        "epoch", "iso-date", "order-id", "tracking-number", "luhn-invalid-16", "luhn-valid-no-scheme", "short-digits",
        "long-digits", "mod97-invalid-iban", "iban-wrong-length", "ipv4", "ipv6", "isbn", "ean13", "product-sku",
        "base64-blob", "invalid-phone", "national-phone-without-country", "amount", "coordinates", "mac-address",
        "hex-color", "prose-trigger-words", "package-refs", "other-names", "ticket-id", "url-without-credentials",
        "key-like-too-short", "time-of-day"};

    List<Sample> negatives() {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < 10_500; i++) {
            String type = NEGATIVE_TYPES[i % NEGATIVE_TYPES.length];
            String country = null;
            if (!type.equals("national-phone-without-country") && r.nextInt(10) < 3) {
                country = pick(NATIONAL_REGIONS);
            }
            Carrier c = carrier();
            String value = negative(type);
            out.add(embed(new Snip(value, 0, 0, null, type), c, country));
        }
        return out;
    }

    /** A hard negative of this type: something a careless detector would redact. */
    String negative(String type) {
        return switch (type) {
            case "uuid" -> new UUID(r.nextLong(), r.nextLong()).toString();
            case "git-sha" -> random(HEX, 40);
            case "short-sha" -> random(HEX, 7 + r.nextInt(6));
            case "sha256" -> pick("", "sha256:", "SHA-256 ") + random(HEX, 64);
            case "md5" -> random(HEX, 32);
            case "version" -> pick("v", "", "version ") + r.nextInt(20) + "." + r.nextInt(30) + "." + r.nextInt(200)
                    + pick("", "-rc." + r.nextInt(5), "-SNAPSHOT", "." + r.nextInt(9000), "+build." + r.nextInt(999));
            case "timestamp" -> String.format("2025-%02d-%02dT%02d:%02d:%02d.%03dZ", 1 + r.nextInt(12), 1 + r.nextInt(28),
                    r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1000));
            case "epoch" -> r.nextBoolean() ? String.valueOf(1_600_000_000L + r.nextInt(200_000_000))
                    : String.valueOf(1_600_000_000_000L + (long) (r.nextDouble() * 200_000_000_000L));
            case "iso-date" -> pick(String.format("2025-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28)),
                    String.format("%02d.%02d.2024", 1 + r.nextInt(28), 1 + r.nextInt(12)),
                    String.format("%02d/%02d/2023", 1 + r.nextInt(12), 1 + r.nextInt(28)),
                    String.format("2024-%02d-%02d %02d:%02d:%02d", 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24),
                            r.nextInt(60), r.nextInt(60)));
            case "order-id" -> pick("ORD-2025-" + digits(6), "#" + digits(9), "PO-" + digits(5) + "-A",
                    "order " + digits(8), "INV-2025-" + digits(4), "SO" + digits(10));
            case "tracking-number" -> pick("1Z" + random("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 6) + digits(10),
                    digits(12), "9400 1" + digits(3) + " " + digits(4) + " " + digits(4) + " " + digits(4) + " "
                            + digits(4) + " " + digits(2), "JD" + digits(18));
            case "luhn-invalid-16" -> cardLike(false);
            case "luhn-valid-no-scheme" -> luhnComplete(pick("1", "7", "8", "9") + digits(14));
            case "short-digits" -> luhnComplete("4" + digits(10));
            case "long-digits" -> digits(20 + r.nextInt(6));
            case "mod97-invalid-iban" -> {
                String iban = ibanFor(pick(IBAN_COUNTRIES), false);
                yield r.nextBoolean() ? iban : printed(iban);
            }
            case "iban-wrong-length" -> {
                String iban = ibanFor(pick(IBAN_COUNTRIES), true);
                yield iban + digits(1 + r.nextInt(2));
            }
            case "ipv4" -> (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256)
                    + pick("", ":8080", "/24");
            case "ipv6" -> "2001:db8:" + random(HEX, 4) + "::" + random(HEX, 4) + ":" + random(HEX, 3);
            case "isbn" -> {
                String body = "978" + digits(9);
                String isbn = body + ean13Check(body);
                yield r.nextBoolean() ? "ISBN " + isbn : "978-" + isbn.charAt(3) + "-" + isbn.substring(4, 8) + "-"
                        + isbn.substring(8, 12) + "-" + isbn.charAt(12);
            }
            case "ean13" -> {
                String body = pick("40", "41", "42", "43", "44", "50", "54") + digits(10);
                yield body + ean13Check(body);
            }
            case "product-sku" -> pick("SKU-" + digits(4) + "-BLK-" + pick("S", "M", "XL"), "WX-" + digits(4) + "-" + digits(2),
                    "part no. " + random("ABCDEFGHJKLMNPRSTUVWXYZ", 3) + digits(6), "ASIN B0" + random("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 8));
            case "base64-blob" -> pick("data:image/png;base64,iVBORw0KGgo", "checksum ", "etag \"") + blob(44 + r.nextInt(80));
            case "invalid-phone" -> invalidPhone();
            case "national-phone-without-country" -> nationalPhone(pick(NATIONAL_REGIONS));
            case "amount" -> pick("$" + r.nextInt(10) + "," + digits(3) + "." + digits(2), "EUR " + r.nextInt(100) + "."
                    + digits(3) + "," + digits(2), r.nextInt(1000) + " " + digits(3) + " " + digits(3) + ",00 €",
                    r.nextInt(100) + "." + r.nextInt(10) + "%");
            case "coordinates" -> (r.nextInt(90)) + "." + digits(6) + ", " + r.nextInt(180) + "." + digits(6);
            case "mac-address" -> String.join(":", random(HEX, 2), random(HEX, 2), random(HEX, 2), random(HEX, 2),
                    random(HEX, 2), random(HEX, 2)).toUpperCase(Locale.ROOT);
            case "hex-color" -> "#" + random(HEX, 6);
            case "prose-trigger-words" -> pick("Reset your password from the account page.",
                    "The bearer of this letter is authorised to collect the parcel.",
                    "We count tokens per request to keep costs down.", "Asia-Pacific revenue grew again.",
                    "Install sk-learn and pandas first.", "The secret sauce is aggressive caching.",
                    "API key rotation is due next week.", "password: (see the team vault)", "token_count: 1532",
                    "max_tokens: 4096", "Use bearer authentication for the API.", "secret: true",
                    "The authorization header is missing.", "password_min_length: 12", "Set AWS credentials in the profile.",
                    "the key-value store", "a token of appreciation", "password=${DB_PASSWORD}",
                    "api_key: <your-api-key>", "Authorization: Bearer [SECRET]");
            case "package-refs" -> pick("lodash@4.17.21", "icon@2x.png", "@babel/core", "react-dom@18.3.1",
                    "nginx@sha256", "logo@3x.webp", "postgres:16-alpine", "node@20", "git@github.com:acme/app.git");
            case "other-names" -> Character.toUpperCase(pick(FIRST).charAt(0)) + pick(FIRST).substring(1) + " "
                    + Character.toUpperCase(pick(LAST).charAt(0)) + pick(LAST).substring(1);
            case "ticket-id" -> pick("JIRA-" + digits(4), "CVE-2024-" + digits(4), "INC" + digits(7), "GH-" + digits(5));
            case "url-without-credentials" -> pick("https://example.com/orders/" + digits(6) + "?page=2",
                    "postgres://db.internal:5432/app", "https://deploy@ci.example.com/hooks", "ftp://files.example.org/pub",
                    "redis://cache.internal:6379/0");
            case "key-like-too-short" -> pick("AKIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8), "ghp_" + random(BASE62, 10),
                    "sk_live_", "xoxb-token", "AIza" + random(BASE62, 10), "eyJhbGciOi", "sk-" + random("abcdefghij", 12));
            case "time-of-day" -> String.format("%02d:%02d:%02d", r.nextInt(24), r.nextInt(60), r.nextInt(60));
            default -> throw new IllegalArgumentException(type);
        };
    }

    private String cardLike(boolean valid) {
        while (true) {
            String number = pick("4", "51", "52", "37", "6011") ;
            number = number + digits(16 - number.length());
            if (CardRule.luhn(number) == valid) {
                int style = r.nextInt(3);
                return style == 0 ? number : style == 1 ? printed4(number, " ") : printed4(number, "-");
            }
        }
    }

    private static String printed4(String digits, String sep) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 4) {
            if (i > 0) {
                b.append(sep);
            }
            b.append(digits, i, Math.min(digits.length(), i + 4));
        }
        return b.toString();
    }

    private static int ean13Check(String body) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (body.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (10 - sum % 10) % 10;
    }

    private String blob(int length) {
        byte[] bytes = new byte[length];
        r.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A '+' number that is no valid number, nor is any shorter run of its groups. */
    private String invalidPhone() {
        while (true) {
            String candidate = pick("+1 " + pick("123", "012", "555", "911") + " " + digits(3) + " " + digits(4),
                    "+44 " + digits(2) + " " + digits(3), "+99 " + digits(3) + " " + digits(3) + " " + digits(3),
                    "+49 000 " + digits(7), "+0 " + digits(9), "+33 0" + digits(2) + " " + digits(2) + " " + digits(2));
            if (!anyValidPrefix(candidate)) {
                return candidate;
            }
        }
    }

    private boolean anyValidPrefix(String candidate) {
        for (int end = candidate.length(); end > 1; end--) {
            if (end < candidate.length() && candidate.charAt(end) != ' ') {
                continue;
            }
            try {
                if (phones.isValidNumber(phones.parse(candidate.substring(0, end), "ZZ"))) {
                    return true;
                }
            } catch (NumberParseException e) {
                // not a number
            }
        }
        return false;
    }

    // ---- Carriers --------------------------------------------------------------------------------------------------

    /** Embeds the snippet (with its span, if any) and one distractor in a carrier of the given kind. */
    private Sample embed(Snip snip, Carrier carrier, String country) {
        String distractorType = pick("uuid", "git-sha", "timestamp", "iso-date", "order-id", "version", "ipv4", "ticket-id",
                "short-sha", "product-sku");
        String distractor = negative(distractorType);
        String template = switch (carrier) {
            case JSON -> pick("{\"event\": \"profile.update\", \"id\": \"¤\", \"value\": \"§\", \"attempt\": 2}",
                    "{\"request_id\": \"¤\", \"payload\": {\"note\": \"§\"}}",
                    "[{\"field\": \"contact\", \"ref\": \"¤\", \"data\": \"§\"}]");
            case LOG -> pick("2025-03-14T09:26:53.120Z INFO  [worker-3] c.b.Sync - imported record ¤ with § in 35 ms",
                    "Mar 14 09:26:53 app-01 backend[2211]: ref=¤ detail=\"§\"",
                    "WARN 2025-03-14 09:26:53,120 [main] Importer: row ¤ contains § (skipped)");
            case EMAIL -> pick("Hi team,\n\nquick note for the migration: §\n\nTicket ¤ has the details.\n\nThanks,\nSam",
                    "Hello,\n\nas discussed on the call, here it is: § (our ref ¤).\n\nBest regards\nRobin",
                    "> On Tue, Sam wrote:\n> can you send it again?\n\nSure: §\nRef: ¤");
            case CSV -> pick("id,ref,value,updated\n1042,¤,§,yesterday", "ref;value;status\n¤;§;open",
                    "\"ref\",\"value\"\n\"¤\",\"§\"");
            case CODE -> pick("const settings = { ref: \"¤\", value: \"§\" };", "String value = \"§\"; // ref ¤",
                    "value = \"§\"  # ref ¤", "export const FIXTURE = `§`; // ¤");
            case MARKDOWN -> pick("| ref | value |\n|---|---|\n| ¤ | § |", "- **Value**: §\n- **Ref**: `¤`",
                    "## Notes\n\nThe value below came from support (¤):\n\n```\n§\n```");
        };
        int at = template.indexOf('§');
        String withDistractor = template.replace("¤", distractor);
        at = withDistractor.indexOf('§');
        String text = withDistractor.substring(0, at) + snip.text() + withDistractor.substring(at + 1);
        List<Span> spans = new ArrayList<>();
        List<String> negatives = new ArrayList<>();
        negatives.add(distractorType);
        if (snip.kind() != null) {
            spans.add(new Span(at + snip.start(), at + snip.end(), snip.kind(), snip.type()));
        } else {
            negatives.add(0, snip.type());
        }
        return new Sample((snip.kind() == null ? "n" : "p") + (++serial), country, text, spans, negatives);
    }

    // ---- Random helpers --------------------------------------------------------------------------------------------

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    private String random(String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Random characters with at least one upper-case letter, one lower-case letter and one digit, as real keys have. */
    private String mixed(String alphabet, int length) {
        while (true) {
            String s = random(alphabet, length);
            if (s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)
                    && s.chars().anyMatch(Character::isDigit)) {
                return s;
            }
        }
    }

    private String digits(int length) {
        return random("0123456789", length);
    }
}
