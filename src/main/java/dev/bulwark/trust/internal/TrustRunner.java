package dev.bulwark.trust.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.bulwark.trust.Check;
import dev.bulwark.trust.Control;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs every control's checks — once the application is ready, every {@code bulwark.trust.interval}, and on demand —
 * and keeps each check's latest result (trust_results). A check that throws fails, with the exception's kind as
 * evidence. Reading results turns any older than the check's freshness bound into {@code stale}.
 */
@Component
public class TrustRunner {

    private static final Logger log = LoggerFactory.getLogger(TrustRunner.class);

    /** One check's latest result, as shown: its status may be {@code stale}. */
    public record Shown(String checkId, String status, Map<String, Object> evidence, Instant checkedAt) {
    }

    /** One control as shown: its status is the worst of its checks'. */
    public record ControlView(String id, String area, String title, String claim, List<String> mapsTo, String status,
                              Instant checkedAt, Map<String, Shown> evidence) {
    }

    private final Controls controls;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    TrustRunner(Controls controls, JdbcClient jdbc, ObjectMapper json) {
        this.controls = controls;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Off the start-up path: verifying chains and calling the application itself must not delay readiness. */
    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        Thread.ofVirtual().name("trust-checks-at-start").start(() -> {
            try {
                runAll();
            } catch (RuntimeException e) {
                log.warn("Trust checks at start did not complete: {}", e.toString());
            }
        });
    }

    @Scheduled(initialDelayString = "${bulwark.trust.interval:5m}", fixedDelayString = "${bulwark.trust.interval:5m}")
    void scheduled() {
        runAll();
    }

    /** Runs every check now; returns how many did not pass. */
    public int runAll() {
        int failing = 0;
        for (Control control : controls.all()) {
            for (Check check : control.checks()) {
                Check.Result result;
                try {
                    result = check.run();
                } catch (RuntimeException e) {
                    log.warn("Trust check {} could not run: {}", check.id(), e.toString());
                    result = Check.Result.fail(Map.of("error", e.getClass().getSimpleName()));
                }
                if (result.status() != Check.Status.PASS) {
                    failing++;
                }
                jdbc.sql("""
                                INSERT INTO trust_results (check_id, control_id, status, evidence, checked_at)
                                VALUES (:check, :control, :status, :evidence, :at)
                                ON CONFLICT (check_id) DO UPDATE SET control_id = :control, status = :status, evidence = :evidence,
                                    checked_at = :at
                                """)
                        .param("check", check.id())
                        .param("control", control.id())
                        .param("status", result.status().wire())
                        .param("evidence", json.writeValueAsString(result.evidence()))
                        .param("at", Timestamp.from(Instant.now()))
                        .update();
            }
        }
        if (failing > 0) {
            log.warn("Trust center: {} checks do not pass", failing);
        }
        return failing;
    }

    /** Every control with its checks' latest results; a check never run shows as stale. */
    public List<ControlView> view() {
        Map<String, Shown> stored = new LinkedHashMap<>();
        jdbc.sql("SELECT check_id, status, evidence, checked_at FROM trust_results").query(rs -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> evidence = json.readValue(rs.getString(3), Map.class);
            stored.put(rs.getString(1), new Shown(rs.getString(1), rs.getString(2), evidence, rs.getTimestamp(4).toInstant()));
        });
        Instant now = Instant.now();
        List<ControlView> views = new ArrayList<>();
        for (Control control : controls.all()) {
            Map<String, Shown> shown = new LinkedHashMap<>();
            for (Check check : control.checks()) {
                Shown s = Optional.ofNullable(stored.get(check.id()))
                        .orElse(new Shown(check.id(), "stale", Map.of("reason", "not run yet"), null));
                if (s.checkedAt() != null && s.checkedAt().isBefore(now.minus(check.freshFor()))) {
                    s = new Shown(s.checkId(), "stale", s.evidence(), s.checkedAt());
                }
                shown.put(check.id(), s);
            }
            String status = worst(shown.values().stream().map(Shown::status).toList());
            Instant oldest = shown.values().stream().map(Shown::checkedAt).filter(t -> t != null).min(Instant::compareTo).orElse(null);
            views.add(new ControlView(control.id(), control.area(), control.title(), control.claim(), control.mapsTo(), status,
                    oldest, shown));
        }
        return views;
    }

    private static String worst(List<String> statuses) {
        for (String status : List.of("fail", "stale", "not_configured")) {
            if (statuses.contains(status)) {
                return status;
            }
        }
        return "pass";
    }
}
