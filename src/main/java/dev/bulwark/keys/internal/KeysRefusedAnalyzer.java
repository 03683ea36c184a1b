package dev.bulwark.keys.internal;

import dev.bulwark.keys.KeysRefusedException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A start refused over keys is reported as its one line and what to do, without the bean-creation stack trace. */
class KeysRefusedAnalyzer extends AbstractFailureAnalyzer<KeysRefusedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KeysRefusedException cause) {
        return new FailureAnalysis("Bulwark refuses to start: " + cause.getMessage(), cause.action(), cause);
    }
}
