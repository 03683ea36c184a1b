package dev.bulwark.trust.web;

import java.time.Instant;
import java.util.List;

import dev.bulwark.access.Public;
import dev.bulwark.trust.internal.TrustRunner;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The trust center's data (CONTRACT.md): every control with its live status, when it was checked, and its evidence. */
@RestController
class TrustController {

    record Trust(List<TrustRunner.ControlView> controls, Instant generatedAt) {
    }

    private final TrustRunner runner;

    TrustController(TrustRunner runner) {
        this.runner = runner;
    }

    @GetMapping("/api/v1/trust")
    @Public
    Trust trust() {
        return new Trust(runner.view(), Instant.now());
    }
}
