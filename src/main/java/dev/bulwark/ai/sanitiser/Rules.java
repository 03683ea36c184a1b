package dev.bulwark.ai.sanitiser;

import java.util.List;

/** The sanitiser's rule set, in the order they run (overlaps are settled by {@link Kind}'s order, not this one). */
final class Rules {

    private Rules() {
    }

    static List<Rule> standard() {
        return List.of(new LiteralRule(), SecretRule.standard(), new CardRule(), new IbanRule(), new EmailRule(), new PhoneRule(),
                new PeopleRule());
    }
}
