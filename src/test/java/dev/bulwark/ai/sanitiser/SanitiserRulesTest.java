package dev.bulwark.ai.sanitiser;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks behind the rules (Luhn, MOD-97 and the country table, JWT shape, PEM blocks, URL credentials) and the session. */
class SanitiserRulesTest {

    private final Sanitiser sanitiser = new Sanitiser(Rules::standard, Duration.ofSeconds(30));

    private String clean(String text) {
        return sanitiser.begin(KnownPeople.none(), null).sanitise(text);
    }

    // ---- Luhn and card numbers -------------------------------------------------------------------------------------

    @Test
    void luhn() {
        for (String valid : List.of("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
                "3530111333300000", "36227206271667", "4000056655665556", "79927398713")) {
            assertThat(CardRule.luhn(valid)).as(valid).isTrue();
        }
        for (String invalid : List.of("4111111111111112", "5555555555554443", "378282246310006", "79927398710",
                "12345678901234x")) {
            assertThat(CardRule.luhn(invalid)).as(invalid).isFalse();
        }
    }

    @Test
    void cardSchemesKnowTheirRangesAndLengths() {
        assertThat(CardRule.scheme("4111111111111111")).isTrue();
        assertThat(CardRule.scheme("378282246310005")).isTrue();
        assertThat(CardRule.scheme("3782822463100051")).as("Amex has 15 digits").isFalse();
        assertThat(CardRule.scheme("2221000000000009")).isTrue();
        assertThat(CardRule.scheme("1111111111111117")).as("no scheme starts with 1").isFalse();
        assertThat(CardRule.scheme("9111111111111111")).isFalse();
    }

    @Test
    void cardsInTheirUsualLayoutsAreRedactedAndLookAlikesAreNot() {
        assertThat(clean("pay with 4111 1111 1111 1111 today")).isEqualTo("pay with [CARD_1] today");
        assertThat(clean("pan=4111-1111-1111-1111;")).isEqualTo("pan=[CARD_1];");
        assertThat(clean("amex 3782 822463 10005.")).isEqualTo("amex [CARD_1].");
        assertThat(clean("card 4111111111111111 exp 12/27")).isEqualTo("card [CARD_1] exp 12/27");
        for (String lookAlike : List.of("4111 1111 1111 1112", "v1.4111111111111111", "x4111111111111111",
                "4111111111111111234567", "4111 11111 1111 1111", "4111 1111-1111 1111", "EAN 4006381333931",
                "4006381333931", "9400 1579 5889 8211 6170 5318 07", "1.4111111111111111e3")) {
            assertThat(clean(lookAlike)).as(lookAlike).isEqualTo(lookAlike);
        }
    }

    // ---- MOD-97 and the IBAN country table -------------------------------------------------------------------------

    @Test
    void mod97WithTheRegistrysExamples() {
        for (String iban : List.of("DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
                "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957", "NO9386011117947",
                "MT84MALT011000012345MTLCAST001S", "LC55HEMM000100010012001200023015", "SA0380000000608010167519",
                "BR1800360305000010009795493C1", "RU0204452560040702810412345678901", "AT611904300234573201")) {
            assertThat(IbanRule.mod97(iban)).as(iban).isTrue();
            assertThat(IbanRule.lengthFits(iban)).as(iban + " has its country's length").isTrue();
            String altered = iban.substring(0, 6) + (char) ('0' + (iban.charAt(6) - '0' + 1) % 10) + iban.substring(7);
            if (Character.isDigit(iban.charAt(6))) {
                assertThat(IbanRule.mod97(altered)).as(altered).isFalse();
            }
        }
        assertThat(IbanRule.lengthFits("DE8937040044053201300")).as("one short").isFalse();
        assertThat(IbanRule.lengthFits("XX89370400440532013000")).as("no such country").isFalse();
    }

    @Test
    void theCountryTableIsComplete() {
        assertThat(IbanRule.LENGTHS).hasSizeGreaterThanOrEqualTo(89);
        assertThat(IbanRule.LENGTHS.values()).allSatisfy(length -> assertThat(length).isBetween(15, 34));
        assertThat(IbanRule.LENGTHS).contains(Map.entry("NO", 15), Map.entry("RU", 33), Map.entry("LC", 32),
                Map.entry("DE", 22), Map.entry("GB", 22), Map.entry("FR", 27), Map.entry("IT", 27), Map.entry("MT", 31));
    }

    @Test
    void ibansCompactOrPrintedAreRedactedAndLookAlikesAreNot() {
        assertThat(clean("IBAN: DE89 3704 0044 0532 0130 00, thanks")).isEqualTo("IBAN: [IBAN_1], thanks");
        assertThat(clean("to GB82WEST12345698765432.")).isEqualTo("to [IBAN_1].");
        for (String lookAlike : List.of("DE89 3704 0044 0532 0130 01", "DE89370400440532013000X", "DE8937040044053201300",
                "XDE89370400440532013000", "de89370400440532013000")) {
            assertThat(clean(lookAlike)).as(lookAlike).isEqualTo(lookAlike);
        }
    }

    // ---- JWT, PEM, URL credentials, keys ---------------------------------------------------------------------------

    @Test
    void jwtShape() {
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"1234567890\",\"name\":\"x\"}");
        assertThat(SecretRule.jwtShape(header + "." + payload + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")).isTrue();
        assertThat(SecretRule.jwtShape(b64("{\"alg\":\"none\"}") + "." + payload + ".")).as("unsigned").isTrue();
        assertThat(SecretRule.jwtShape(b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".a2V5.aXY.Y2lwaGVy.dGFn"))
                .as("JWE").isTrue();
        assertThat(SecretRule.jwtShape(header + "." + payload)).as("two parts").isFalse();
        assertThat(SecretRule.jwtShape(b64("not json at all") + "." + payload + ".c2ln")).isFalse();
        assertThat(SecretRule.jwtShape(b64("{\"name\":\"x\"}") + "." + payload + ".c2ln")).as("no alg/typ").isFalse();
        assertThat(SecretRule.jwtShape("eyJ!!!." + payload + ".c2ln")).isFalse();
        String token = header + "." + payload + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assertThat(clean("token=" + token + "&x=1")).isEqualTo("token=[SECRET]&x=1");
    }

    @Test
    void pemPrivateKeyBlocksAreRedactedWhole() {
        String block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
                + "-----END RSA PRIVATE KEY-----";
        assertThat(SecretRule.pemEnd("x\n" + block + "\nafter", 2)).isEqualTo(2 + block.length());
        assertThat(clean("key:\n" + block + "\nafter")).isEqualTo("key:\n[SECRET]\nafter");
        String escaped = "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n"
                + "-----END PRIVATE KEY-----\\n\", \"client_email\": \"svc@proj.iam.gserviceaccount.com\"}";
        assertThat(clean(escaped)).isEqualTo("{\"private_key\": \"[SECRET]\\n\", \"client_email\": \"[EMAIL_1]\"}");
        String cutOff = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAA";
        assertThat(clean(cutOff + "\n\"}")).as("no END line: up to the body's end").isEqualTo("[SECRET]\n\"}");
        String certificate = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";
        assertThat(SecretRule.pemEnd(certificate, 0)).isEqualTo(-1);
        assertThat(clean(certificate)).isEqualTo(certificate);
    }

    @Test
    void urlCredentials() {
        String url = "postgres://app_user:s3cr3t!pw@db.internal:5432/app";
        assertThat(SecretRule.urlCredentialsStart(url, url.indexOf('@'))).isEqualTo("postgres://".length());
        assertThat(clean("DATABASE_URL=" + url)).isEqualTo("DATABASE_URL=postgres://[SECRET]@db.internal:5432/app");
        assertThat(clean("redis://:p4ssw0rd@cache:6379/0")).isEqualTo("redis://[SECRET]@cache:6379/0");
        assertThat(clean("https://u:p@ss@host.example.com/x")).as("an unencoded @ in the password")
                .isEqualTo("https://[SECRET]@host.example.com/x");
        for (String none : List.of("https://deploy@ci.example.com/hooks", "mailto:ada@example.org", "user:pass@host",
                "https://example.com/a@b", "ftp://files.example.org/pub")) {
            int at = none.indexOf('@');
            if (at >= 0) {
                assertThat(SecretRule.urlCredentialsStart(none, at)).as(none).isEqualTo(-1);
            }
        }
    }

    @Test
    void keysOfCommonServicesAndAuthorizationHeaders() {
        for (String key : List.of("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_test_51H8abcDEF0123456789xyz",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "AKIAIOSFODNN7EXAMPLE",
                "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "github_pat_11ABCDEFG0123456789abc_"
                        + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "xoxb-12345678901-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef",
                "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2nOp5q", "sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h-AA",
                "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "glpat-Ab3dEf6hIj9kLm2nOp5q",
                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")) {
            assertThat(clean("value " + key + " end")).as(key).isEqualTo("value [SECRET] end");
        }
        assertThat(clean("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .isEqualTo("aws_secret_access_key = [SECRET]");
        assertThat(clean("Authorization: Bearer abc123.def456-ghi789")).isEqualTo("Authorization: Bearer [SECRET]");
        assertThat(clean("Authorization: Basic dXNlcjpwYXNzd29yZA==")).isEqualTo("Authorization: Basic [SECRET]");
        assertThat(clean("password: Hunter2!x")).isEqualTo("password: [SECRET]");
        for (String prose : List.of("Reset your password from the account page.", "Use bearer authentication.",
                "The bearer of this letter", "password: required", "token_count: 1532", "password=${DB_PASSWORD}",
                "Install sk-learn first", "the key-value store", "Asia-Pacific revenue")) {
            assertThat(clean(prose)).as(prose).isEqualTo(prose);
        }
    }

    // ---- E-mail, phone, known people -------------------------------------------------------------------------------

    @Test
    void emailsAndTheirLookAlikes() {
        assertThat(clean("write to Ada.Lovelace+notes@analytical.co.uk.")).isEqualTo("write to [EMAIL_1].");
        for (String lookAlike : List.of("icon@2x.png", "lodash@4.17.21", "git@github.com:acme/app.git", "@babel/core",
                "user@localhost", "https://deploy@ci.example.com/x")) {
            assertThat(clean(lookAlike)).as(lookAlike).isEqualTo(lookAlike);
        }
    }

    @Test
    void phonesInternationalAlwaysNationalOnlyWithACountry() {
        assertThat(clean("call +44 20 7946 0958 now")).isEqualTo("call [PHONE_1] now");
        assertThat(clean("+1 (201) 555-0123 or +4930123456")).isEqualTo("[PHONE_1] or [PHONE_2]");
        assertThat(clean("+1 123 456 7890")).as("no such area code").isEqualTo("+1 123 456 7890");
        assertThat(clean("call (201) 555-0123")).as("national without a country").isEqualTo("call (201) 555-0123");
        Sanitiser.Session us = sanitiser.begin(KnownPeople.none(), "us");
        assertThat(us.sanitise("call (201) 555-0123 or +1 201 555 0123")).isEqualTo("call [PHONE_1] or [PHONE_1]");
        for (String lookAlike : List.of("order 2015550123", "2025-01-15", "192.168.100.200", "v10.0.19045.2965",
                "52.520008, 13.404954", "$1,234,567.89")) {
            assertThat(us.sanitise(lookAlike)).as(lookAlike).isEqualTo(lookAlike);
        }
        assertThatThrownBy(() -> sanitiser.begin(KnownPeople.none(), "XX")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knownPeopleWholeWordAndCaseInsensitive() {
        KnownPeople people = KnownPeople.of(List.of("Ada Lovelace", "José Álvarez", "Siobhán O'Sullivan", "X", " "),
                List.of("ada@analytical.org"));
        assertThat(people.size()).isEqualTo(4);
        Sanitiser.Session session = sanitiser.begin(people, null);
        assertThat(session.sanitise("ADA LOVELACE met ada\n  lovelace and josé álvarez; Siobhán O'Sullivan's note"))
                .isEqualTo("[NAME_1] met [NAME_1] and [NAME_2]; [NAME_3]'s note");
        assertThat(session.sanitise("Adalovelace, Ada Lovelaces, xAda Lovelace")).isEqualTo("Adalovelace, Ada Lovelaces, xAda Lovelace");
        assertThat(session.sanitise("mail ADA@analytical.org")).isEqualTo("mail [EMAIL_1]");
        assertThat(session.restore("[NAME_1], [NAME_3], [EMAIL_1]")).isEqualTo("ADA LOVELACE, Siobhán O'Sullivan, ADA@analytical.org");
        assertThat(KnownPeople.of(List.of(), List.of())).isSameAs(KnownPeople.none());
    }

    // ---- The session: numbering, counts, restoration ---------------------------------------------------------------

    @Test
    void placeholdersAreNumberedPerSessionAcrossMessagesAndCounted() {
        Sanitiser.Session session = sanitiser.begin(KnownPeople.none(), null);
        assertThat(session.sanitise("a@example.com, b@example.com, A@EXAMPLE.COM"))
                .isEqualTo("[EMAIL_1], [EMAIL_2], [EMAIL_1]");
        assertThat(session.sanitise("again b@example.com and c@example.com, key AKIAIOSFODNN7EXAMPLE"))
                .isEqualTo("again [EMAIL_2] and [EMAIL_3], key [SECRET]");
        assertThat(session.redactions()).containsExactly(Map.entry("secret", 1), Map.entry("email", 5));
        assertThat(sanitiser.begin(KnownPeople.none(), null).sanitise("c@example.com")).as("a new session starts at 1")
                .isEqualTo("[EMAIL_1]");
    }

    @Test
    void onlyThisSessionsPersonalPlaceholdersAreRestored() {
        Sanitiser.Session session = sanitiser.begin(KnownPeople.none(), null);
        session.sanitise("ada@example.org +44 20 7946 0958 4111 1111 1111 1111 DE89370400440532013000 AKIAIOSFODNN7EXAMPLE");
        assertThat(session.restore("[EMAIL_1] [PHONE_1] [CARD_1] [IBAN_1] [SECRET] [EMAIL_99] [EMAIL_01] [email_1] [EMAIL_1"))
                .isEqualTo("ada@example.org +44 20 7946 0958 [CARD_1] [IBAN_1] [SECRET] [EMAIL_99] [EMAIL_01] [email_1] [EMAIL_1");
        Sanitiser.Session other = sanitiser.begin(KnownPeople.none(), null);
        assertThat(other.restore("[EMAIL_1]")).as("another session's placeholder").isEqualTo("[EMAIL_1]");
    }

    @Test
    void aPlaceholderTheUserTypedNeverRestoresToAValue() {
        Sanitiser.Session session = sanitiser.begin(KnownPeople.none(), null);
        String first = session.sanitise("Reply to [EMAIL_1] (keep that literally) and copy ada@example.org");
        assertThat(first).isEqualTo("Reply to \uFF3BEMAIL_1] (keep that literally) and copy [EMAIL_1]");
        String second = session.sanitise("and what is [EMAIL_1]? also [NAME_1], [PHONE_7]");
        assertThat(second).isEqualTo("and what is \uFF3BEMAIL_1]? also \uFF3BNAME_1], \uFF3BPHONE_7]");
        assertThat(session.restore("You typed \uFF3BEMAIL_1]; the address is [EMAIL_1]."))
                .isEqualTo("You typed [EMAIL_1]; the address is ada@example.org.");
        assertThat(session.redactions()).containsExactly(Map.entry("email", 1));
    }

    @Test
    void streamingHoldsBackASplitPlaceholder() {
        Sanitiser.Session session = sanitiser.begin(KnownPeople.none(), null);
        session.sanitise("ada@example.org");
        Sanitiser.Restorer restorer = session.restorer();
        assertThat(restorer.feed("Hello [EM")).isEqualTo("Hello ");
        assertThat(restorer.feed("AIL_")).isEqualTo("");
        assertThat(restorer.feed("1], bye [")).isEqualTo("ada@example.org, bye ");
        assertThat(restorer.feed("x] [SECRET] [EMAIL_")).isEqualTo("[x] [SECRET] ");
        assertThat(restorer.finish()).isEqualTo("[EMAIL_");
        Sanitiser.Restorer again = session.restorer();
        assertThat(again.feed("[EMAIL_1")).isEmpty();
        assertThat(again.feed("2] and [EMAIL_1]")).isEqualTo("[EMAIL_12] and ada@example.org");
        assertThat(again.finish()).isEmpty();
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
