package dev.bulwark.shared;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 9110 If-Match over versions: absent and * pass, strong tags compare, weak tags never match. */
class IfMatchTest {

    @Test
    void absentAndStarAlwaysPass() {
        assertThatCode(() -> IfMatch.of(null).requireMatches(7)).doesNotThrowAnyException();
        assertThatCode(() -> IfMatch.of(" * ").requireMatches(7)).doesNotThrowAnyException();
    }

    @Test
    void theCurrentVersionInAListPasses() {
        assertThatCode(() -> IfMatch.of("\"6\", \"7\"").requireMatches(7)).doesNotThrowAnyException();
        assertThatCode(() -> IfMatch.of("\"7\"").requireMatches(7)).doesNotThrowAnyException();
    }

    @Test
    void staleOrWeakTagsFailThePrecondition() {
        assertThatThrownBy(() -> IfMatch.of("\"6\"").requireMatches(7)).isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> IfMatch.of("W/\"7\"").requireMatches(7)).isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> IfMatch.of("\"07\"").requireMatches(7)).isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void malformedHeadersAreInvalidInput() {
        for (String bad : new String[] {"7", "\"7", "\"a\"b\"", "", "W/", "\"1\",,"}) {
            assertThatThrownBy(() -> IfMatch.of(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
    }
}
