package dev.bulwark.ai.sanitiser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contacts' matcher built flat ({@link KnownPeople}): many names sharing prefixes (nodes with more children than
 * the linear search takes, so the binary search runs), names that are prefixes of others, first letters outside ASCII.
 */
class KnownPeopleTest {

    @Test
    void everyNameAndAddressIsFoundWholeAndLongestAndNothingElse() {
        Random random = new Random(5);
        String[] firsts = {"Ada", "Adam", "Adèle", "Élodie", "Øyvind", "Łukasz", "Bo", "Bob", "Bobby", "Ana", "Anna"};
        Set<String> names = new LinkedHashSet<>(List.of(firsts));
        // Two-letter stems over twelve letters give nodes with up to twelve children.
        String letters = "abcdefghijkl";
        while (names.size() < 600) {
            StringBuilder name = new StringBuilder(firsts[random.nextInt(firsts.length)]).append(' ');
            for (int i = 0, n = 2 + random.nextInt(6); i < n; i++) {
                name.append(letters.charAt(random.nextInt(letters.length())));
            }
            names.add(name.toString());
        }
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            emails.add("p" + Integer.toString(i, 12) + "@example.com");
        }
        KnownPeople people = KnownPeople.of(names, emails);
        assertThat(people.size()).isEqualTo(names.size() + emails.size());

        for (String name : names) {
            for (String written : List.of(name, name.toUpperCase(Locale.ROOT), name.replace(" ", "  \n "))) {
                String text = "Met " + written + ", fine.";
                assertThat(people.longestAt(text, 4)).as(written).isEqualTo((long) (4 + written.length()) << 8 | KnownPeople.NAME);
                // Glued to more letters it is no whole word: what is left is the first name alone (every first name
                // is a contact too), or nothing for a one-word name.
                int space = written.indexOf(' ');
                assertThat(people.longestAt("Met " + written + "zq.", 4)).as(written + "zq")
                        .isEqualTo(space < 0 ? -1L : (long) (4 + space) << 8 | KnownPeople.NAME);
            }
        }
        // "Ada" alone, and "Ada" followed by a word that is not the rest of a name: the short name.
        assertThat(people.longestAt("Ada said", 0)).isEqualTo(3L << 8 | KnownPeople.NAME);
        assertThat(people.longestAt("Ada zz", 0)).isEqualTo(3L << 8 | KnownPeople.NAME);
        for (String email : emails) {
            String text = "mail " + email + ". Thanks";
            assertThat(people.longestAt(text, 5)).as(email).isEqualTo((long) (5 + email.length()) << 8 | KnownPeople.EMAIL);
            assertThat(people.longestAt("mail " + email + ".au", 5)).as(email + ".au").isEqualTo(-1L);
        }
        for (String stranger : List.of("Zed", "Adal", "Anne", "Bobb", "Élo", "x", "p@example.org")) {
            assertThat(people.longestAt(stranger + " is here", 0)).as(stranger).isEqualTo(-1L);
        }
        assertThat(people.mayStartWith('é')).isTrue();
        assertThat(people.mayStartWith('z')).isFalse();
        assertThat(KnownPeople.none().mayStartWith('a')).isFalse();
    }
}
