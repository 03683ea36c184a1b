package dev.bulwark.trust;

import java.util.List;

/**
 * A control: what the trust center claims ({@code claim}, one sentence), under which area, what it maps to (SOC 2
 * criteria, OWASP ASVS 5 requirements), and the checks whose results back it. It passes only when every check passes.
 */
public record Control(String id, String area, String title, String claim, List<String> mapsTo, List<Check> checks) {

    public Control {
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("control " + id + " has no check: a claim without a check is not made");
        }
    }
}
