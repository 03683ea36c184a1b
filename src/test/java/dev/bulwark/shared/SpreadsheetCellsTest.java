package dev.bulwark.shared;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** OWASP's CSV injection rule: text a spreadsheet would read as a formula opens as text. */
class SpreadsheetCellsTest {

    @Test
    void everyFormulaTriggerGetsAQuote() {
        for (String cell : new String[] {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://evil\",\"x\")"}) {
            assertThat(SpreadsheetCells.defused(cell)).as(cell).isEqualTo("'" + cell);
        }
    }

    @Test
    void everythingElseIsLeftAlone() {
        for (String cell : new String[] {"", "Ada", " =1", "a=1", "'quoted", "\nx", "2026-01-01T00:00:00Z"}) {
            assertThat(SpreadsheetCells.defused(cell)).as(cell).isEqualTo(cell);
        }
        assertThat(SpreadsheetCells.defused(-5)).isEqualTo(-5);
        assertThat(SpreadsheetCells.defused(null)).isNull();
        assertThat(SpreadsheetCells.defused(java.util.UUID.fromString("00000000-0000-0000-0000-000000000001")))
                .isEqualTo("00000000-0000-0000-0000-000000000001");
    }
}
