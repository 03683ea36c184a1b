package dev.bulwark.ai.sanitiser;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Acceptance: the sanitiser fails closed. A rule that throws, a rule that runs past the budget (even one stuck in a
 * backtracking regular expression) and rules that fail to load all end in {@link SanitiserFailure}, whose message
 * carries none of the text.
 */
class SanitiserFailClosedTest {

    private static final String TEXT = "mail ada@example.org, card 4111 1111 1111 1111";
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @Test
    void aRuleThatThrowsFailsTheCall() {
        Rule failing = scan -> {
            throw new IllegalStateException("cannot handle " + scan.text);
        };
        Sanitiser sanitiser = new Sanitiser(() -> List.of(new EmailRule(), failing), GENEROUS);
        Sanitiser.Session session = sanitiser.begin(KnownPeople.none(), null);
        assertThatThrownBy(() -> session.sanitise(TEXT)).isInstanceOf(SanitiserFailure.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ada").doesNotContain("4111"));
        assertThat(session.redactions()).as("nothing half-done is counted").isEmpty();
    }

    @Test
    void aStackOverflowInsideARuleFailsTheCall() {
        Rule deep = new Rule() {
            @Override
            public void scan(Scan scan) {
                scan(scan);
            }
        };
        Sanitiser sanitiser = new Sanitiser(() -> List.of(deep), GENEROUS);
        assertThatThrownBy(() -> sanitiser.begin(KnownPeople.none(), null).sanitise(TEXT))
                .isInstanceOf(SanitiserFailure.class);
    }

    @Test
    void aRuleThatRunsPastTheBudgetFailsTheCall() {
        Rule slow = scan -> {
            long until = System.nanoTime() + Duration.ofMillis(60).toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        };
        Sanitiser sanitiser = new Sanitiser(() -> List.of(slow, new EmailRule()), Duration.ofMillis(20));
        assertThatThrownBy(() -> sanitiser.begin(KnownPeople.none(), null).sanitise(TEXT))
                .isInstanceOf(SanitiserFailure.class).hasMessageContaining("budget");
    }

    @Test
    void aRuleThatNeverEndsIsStoppedByTheBudget() {
        Rule endless = scan -> {
            while (true) {
                scan.tick();
            }
        };
        Sanitiser sanitiser = new Sanitiser(() -> List.of(endless), Duration.ofMillis(50));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                () -> sanitiser.begin(KnownPeople.none(), null).sanitise(TEXT)).isInstanceOf(SanitiserFailure.class));
    }

    @Test
    void aCatastrophicallyBacktrackingExpressionIsStoppedByTheBudget() {
        // Polynomial of degree 12 in the input: minutes on 60 characters (recent JDKs memoise the classic "(a|aa)+b").
        Pattern exponential = Pattern.compile("(.*a){12}b");
        Rule backtracking = scan -> {
            if (exponential.matcher(scan.guarded()).find()) {
                scan.add(0, 1, Kind.SECRET, "");
            }
        };
        Sanitiser sanitiser = new Sanitiser(() -> List.of(backtracking), Duration.ofMillis(50));
        String text = "a".repeat(60) + "c";
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                () -> sanitiser.begin(KnownPeople.none(), null).sanitise(text)).isInstanceOf(SanitiserFailure.class));
    }

    @Test
    void theStandardRulesFailClosedPastTheirBudgetToo() {
        Sanitiser sanitiser = new Sanitiser(Rules::standard, Duration.ofNanos(1));
        assertThatThrownBy(() -> sanitiser.begin(KnownPeople.none(), "DE").sanitise(TEXT.repeat(50)))
                .isInstanceOf(SanitiserFailure.class).hasMessageContaining("budget");
    }

    @Test
    void rulesThatFailToLoadMakeEveryBeginThrow() {
        Sanitiser broken = new Sanitiser(() -> {
            throw new IllegalStateException("bad pattern");
        }, GENEROUS);
        assertThatThrownBy(() -> broken.begin(KnownPeople.none(), null)).isInstanceOf(SanitiserFailure.class);
        assertThatThrownBy(() -> broken.begin(KnownPeople.of(List.of("Ada Lovelace"), List.of()), "GB"))
                .isInstanceOf(SanitiserFailure.class);

        Sanitiser badRegex = new Sanitiser(() -> List.of(new SecretRule(List.of(new SecretRule.Def("broken",
                List.of("x"), Pattern.compile("(unclosed"), 0, 10, null)))), GENEROUS);
        assertThatThrownBy(() -> badRegex.begin(KnownPeople.none(), null)).isInstanceOf(SanitiserFailure.class);

        Sanitiser none = new Sanitiser(List::of, GENEROUS);
        assertThatThrownBy(() -> none.begin(KnownPeople.none(), null)).isInstanceOf(SanitiserFailure.class);
    }

    @Test
    void theBeanBuildsFromItsPropertiesAndWorks() {
        Sanitiser sanitiser = new Sanitiser(new SanitiserProperties(Duration.ofSeconds(5)));
        assertThat(sanitiser.begin(KnownPeople.none(), null).sanitise(TEXT)).isEqualTo("mail [EMAIL_1], card [CARD_1]");
        assertThatThrownBy(() -> new SanitiserProperties(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
