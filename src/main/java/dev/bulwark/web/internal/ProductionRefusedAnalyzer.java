package dev.bulwark.web.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a start refused by the production checklist in one description and one action, without a stack trace. */
class ProductionRefusedAnalyzer extends AbstractFailureAnalyzer<StartChecks.ProductionRefusedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartChecks.ProductionRefusedException cause) {
        return new FailureAnalysis("Bulwark refuses to start: " + cause.getMessage(),
                "Set the settings named above (docs/observability.md, \"Production\"), or start without the prod profile.", cause);
    }
}
