package dev.bulwark.ai.sanitiser;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The phone rule's own reading of international numbers ({@link PhoneRule#withoutParsing}) against libphonenumber's
 * {@code parse}: wherever it gives an answer, it is the number {@code parse} gives, so the rule decides exactly as it
 * would with {@code parse} alone; where {@code parse} could read the digits otherwise (a national prefix, a leading
 * zero), it gives none.
 */
class PhoneRuleTest {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    @Test
    void everyRegionsExampleNumbersReadAsParseReadsThem() {
        List<String> candidates = new ArrayList<>();
        for (String region : UTIL.getSupportedRegions()) {
            for (PhoneNumberType type : PhoneNumberType.values()) {
                PhoneNumber example = UTIL.getExampleNumberForType(region, type);
                if (example != null) {
                    candidates.add(UTIL.format(example, PhoneNumberFormat.INTERNATIONAL));
                    candidates.add(UTIL.format(example, PhoneNumberFormat.E164));
                }
            }
        }
        for (int code : UTIL.getSupportedGlobalNetworkCallingCodes()) {
            for (PhoneNumberType type : PhoneNumberType.values()) {
                PhoneNumber example = UTIL.getExampleNumberForNonGeoEntity(code);
                if (example != null) {
                    candidates.add(UTIL.format(example, PhoneNumberFormat.INTERNATIONAL));
                }
            }
        }
        int read = agreeWithParse(candidates);
        assertThat(candidates).hasSizeGreaterThan(2_000);
        // Most numbers take the short way; those that do not (a national prefix pattern that matches, an Italian
        // leading zero) are parsed.
        assertThat(read).as("numbers read without parsing").isGreaterThan(candidates.size() * 3 / 4);
    }

    @Test
    void randomDigitsAfterEveryCallingCodeReadAsParseReadsThem() {
        Random random = new Random(20261205);
        List<String> candidates = new ArrayList<>();
        for (int code : UTIL.getSupportedCallingCodes()) {
            for (int k = 0; k < 60; k++) {
                StringBuilder number = new StringBuilder("+").append(code);
                int digits = 4 + random.nextInt(11);
                for (int d = 0; d < digits; d++) {
                    if (random.nextInt(4) == 0) {
                        number.append(" -.".charAt(random.nextInt(3)));
                    }
                    // Leading zeros and the common national prefixes (0, 1, 8) come often.
                    number.append(d == 0 && k % 3 == 0 ? "018".charAt(k % 9 / 3) : (char) ('0' + random.nextInt(10)));
                }
                candidates.add(number.toString());
            }
            candidates.add("+" + code + " (0) 20 7946 0958");
            candidates.add("+" + code + " (20) 7946 0958");
        }
        // Not calling codes, too short, or not a candidate's characters: no answer of its own.
        for (String odd : List.of("+0 20 7946 0958", "+999 123 4567", "+44", "+4", "+44 2", "+44 20 7946 0958 ext 12",
                "44 20 7946 0958", "+44 20 7946 0958#", "+44 20 79O6 0958", "+１ 415 555 2671", "")) {
            assertThat(PhoneRule.withoutParsing(odd)).as(odd).isNull();
        }
        int read = agreeWithParse(candidates);
        assertThat(read).isGreaterThan(candidates.size() / 2);
    }

    @Test
    void theRuleFindsTheSameNumbersEitherWay() {
        Sanitiser sanitiser = new Sanitiser(Rules::standard, java.time.Duration.ofSeconds(30));
        String text = "Call +44 20 7946 0958, +1 (415) 555-2671 or +49 30 901820; +39 06 6982 0000 is Rome, "
                + "+7 800 555-35-35 toll free, +33 6 12 34 56 78 mobile, +61 2 9374 4000 and +81 3-3224-5000.";
        String clean = sanitiser.begin(KnownPeople.none(), null).sanitise(text);
        assertThat(clean).isEqualTo("Call [PHONE_1], [PHONE_2] or [PHONE_3]; [PHONE_4] is Rome, [PHONE_5] toll free, "
                + "[PHONE_6] mobile, [PHONE_7] and [PHONE_8].");
    }

    /** Asserts each candidate's reading without parsing, where there is one, is parse's; returns how many had one. */
    private static int agreeWithParse(List<String> candidates) {
        int read = 0;
        for (String candidate : candidates) {
            PhoneNumber direct = PhoneRule.withoutParsing(candidate);
            if (direct == null) {
                continue;
            }
            read++;
            PhoneNumber parsed;
            try {
                parsed = UTIL.parse(candidate, "ZZ");
            } catch (NumberParseException e) {
                throw new AssertionError(candidate + " has a reading of its own, parse refuses it: " + e.getMessage());
            }
            assertThat(direct.exactlySameAs(parsed)).as(candidate + ": " + direct + " against " + parsed).isTrue();
            assertThat(UTIL.isValidNumber(direct)).as(candidate).isEqualTo(UTIL.isValidNumber(parsed));
        }
        return read;
    }
}
