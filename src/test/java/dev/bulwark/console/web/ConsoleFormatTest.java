package dev.bulwark.console.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the console words numbers of seconds (a configured period shown to a person). */
class ConsoleFormatTest {

    private final ConsoleController.Format fmt = new ConsoleController.Format();

    @Test
    void aSpanIsWordedInTheLargestUnitItIsAWholeNumberOf() {
        assertThat(fmt.span(30L * 86_400)).isEqualTo("30 days");
        assertThat(fmt.span(86_400)).isEqualTo("1 day");
        assertThat(fmt.span(36L * 3_600)).isEqualTo("36 hours");
        assertThat(fmt.span(3_600)).isEqualTo("1 hour");
        assertThat(fmt.span(90 * 60)).isEqualTo("90 minutes");
        assertThat(fmt.span(61)).isEqualTo("61 seconds");
        assertThat(fmt.span(1)).isEqualTo("1 second");
        assertThat(fmt.span(0)).isEqualTo("0 seconds");
        assertThat(fmt.span(null)).isEqualTo("—");
        assertThat(fmt.span("30 days")).as("not a number").isEqualTo("—");
    }
}
