package dev.bulwark.trust.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.bulwark.tenancy.Lease;
import dev.bulwark.trust.Check;
import dev.bulwark.trust.Control;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs every control's checks — once the application is ready, every {@code bulwark.trust.interval}, and on demand —
 * and keeps each check's latest result (trust_results). A check that throws fails, with the exception's kind as
 * evidence. Reading results turns any older than the check's freshness bound into {@code stale}; the public view shows
 * each check's public evidence, the operators' view adds what is for them alone. One run at a time
 * across all instances: a run takes the {@link Lease} {@code trust-checks} (trust_runs keeps the times); a scheduled turn that finds it taken is skipped, a
 * run on demand waits for it; a graceful shutdown gives it back after the current check.
 */
@Component
public class TrustRunner implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TrustRunner.class);

    /** One check's latest result, as shown: its status may be {@code stale}. */
    public record Shown(String checkId, String status, Map<String, Object> evidence, Instant checkedAt) {
    }

    /** One control as shown: its status is the worst of its checks'. */
    public record ControlView(String id, String area, String title, String claim, List<String> mapsTo, String status,
                              Instant checkedAt, Map<String, Shown> evidence) {
    }

    /** Set at shutdown: the run under way stops after its current check, and no other starts. */
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Held while this instance runs the checks under the lease, by {@link #runner}. */
    private final ReentrantLock running = new ReentrantLock();
    private volatile Thread runner;
    private static final String LEASE_NAME = "trust-checks";
    private final Lease leases;
    private final Controls controls;
    private final Sweeps sweeps;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    /** The application context's meter registry (not Micrometer's global one, which outlives a context). */
    private final MeterRegistry meters;

    TrustRunner(Controls controls, Sweeps sweeps, JdbcClient jdbc, ObjectMapper json, Lease leases, MeterRegistry meters) {
        this.meters = meters;
        this.leases = leases;
        this.controls = controls;
        this.sweeps = sweeps;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Off the start-up path: verifying chains and calling the application itself must not delay readiness. */
    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        Thread.ofVirtual().name("trust-checks-at-start").start(() -> {
            try {
                runIfFree();
            } catch (RuntimeException e) {
                log.warn("Trust checks at start did not complete: {}", e.toString());
            }
        });
    }

    @Scheduled(initialDelayString = "${bulwark.trust.interval:5m}", fixedDelayString = "${bulwark.trust.interval:5m}")
    void scheduled() {
        runIfFree();
    }

    /** Runs every check now unless a run holds the lease, here or on another instance; whether this one ran. */
    public boolean runIfFree() {
        Optional<Lease.Held> lease = takeLease();
        if (lease.isEmpty()) {
            log.debug("Trust checks already running elsewhere; this turn is skipped");
            return false;
        }
        underLease(lease.get());
        return true;
    }

    /** Runs every check now, waiting up to a minute for a run under way; returns how many did not pass. */
    public int runAll() {
        return runAll(Duration.ofMinutes(1)).orElseThrow(() -> new IllegalStateException("the trust checks' lease stayed taken"));
    }

    /** Runs every check now, waiting up to {@code wait} for a run under way to end; empty if it did not end in time. */
    public OptionalInt runAll(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Optional<Lease.Held> lease;
        while ((lease = takeLease()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return OptionalInt.empty();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of(underLease(lease.get()));
    }

    /** Runs the checks under the lease this instance has just taken, and gives it back. */
    private int underLease(Lease.Held lease) {
        running.lock();
        runner = Thread.currentThread();
        try {
            return runChecks();
        } finally {
            runner = null;
            // An interrupt at shutdown stopped a check; the lease is given back all the same.
            Thread.interrupted();
            try {
                releaseLease(lease);
            } finally {
                running.unlock();
            }
        }
    }

    /**
     * A graceful shutdown stops the run under way after its current check and gives the lease back (waiting up to 30
     * seconds for that check), so that no instance waits ten minutes for the lease of one that merely stopped.
     */
    @Override
    public void destroy() {
        stopping.set(true);
        // A check waiting on this application's own answers would wait in vain: the server has stopped first.
        Thread current = runner;
        if (current != null) {
            current.interrupt();
        }
        try {
            if (running.tryLock(30, TimeUnit.SECONDS)) {
                running.unlock();
            } else {
                log.warn("Trust checks still running at shutdown; their lease lapses in ten minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ten minutes is longer than any run: a lease left by an instance that died lapses after it. */
    private Optional<Lease.Held> takeLease() {
        if (stopping.get()) {
            return Optional.empty();
        }
        Optional<Lease.Held> taken = leases.acquire(LEASE_NAME, Instant.now(), Duration.ofMinutes(10));
        taken.ifPresent(t -> jdbc.sql("UPDATE trust_runs SET last_started = now() WHERE id = 1").update());
        return taken;
    }

    private void releaseLease(Lease.Held lease) {
        try {
            jdbc.sql("UPDATE trust_runs SET last_finished = now() WHERE id = 1").update();
        } finally {
            lease.close();
        }
    }

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> passing =
            new java.util.concurrent.ConcurrentHashMap<>();

    private int runChecks() {
        int failing = 0;
        for (Control control : controls.all()) {
            for (Check check : control.checks()) {
                if (stopping.get()) {
                    log.info("Trust checks stopped at shutdown; the next run starts afresh");
                    return failing;
                }
                Check.Result result;
                try {
                    result = check.run();
                } catch (RuntimeException e) {
                    log.warn("Trust check {} could not run: {}", check.id(), e.toString());
                    result = Controls.unreadable(e);
                }
                if (stopping.get()) {
                    // Cut short by the shutdown: not a finding about the system, so not recorded.
                    return failing;
                }
                if (result.status() != Check.Status.PASS) {
                    failing++;
                }
                // 1 while the check passes, 0 otherwise: one series per check, a fixed set (docs/observability.md).
                passing.computeIfAbsent(check.id(), id -> meters.gauge("bulwark.trust.check.passing",
                                io.micrometer.core.instrument.Tags.of("control", control.id(), "check", id),
                                new java.util.concurrent.atomic.AtomicInteger()))
                        .set(result.status() == Check.Status.PASS ? 1 : 0);
                jdbc.sql("""
                                INSERT INTO trust_results (check_id, control_id, status, evidence, operator_evidence, checked_at)
                                VALUES (:check, :control, :status, :evidence, :operatorEvidence, :at)
                                ON CONFLICT (check_id) DO UPDATE SET control_id = :control, status = :status, evidence = :evidence,
                                    operator_evidence = :operatorEvidence, checked_at = :at
                                """)
                        .param("check", check.id())
                        .param("control", control.id())
                        .param("status", result.status().wire())
                        .param("evidence", json.writeValueAsString(result.evidence()))
                        .param("operatorEvidence", json.writeValueAsString(result.operatorEvidence()))
                        .param("at", Timestamp.from(Instant.now()))
                        .update();
            }
        }
        if (failing > 0) {
            log.warn("Trust center: {} checks do not pass", failing);
        }
        return failing;
    }

    /** Every control with its checks' latest results and public evidence; a check never run shows as stale. */
    public List<ControlView> view() {
        return view(false);
    }

    /**
     * As {@link #view()}, each check's evidence with what is for the platform's operators alone under
     * {@code operatorOnly}: never to be served to anyone else.
     */
    public List<ControlView> operatorView() {
        return view(true);
    }

    /** Every open finding of the sweeps, naming organisations and rows: for the platform's operators alone. */
    public List<Map<String, Object>> openFindings() {
        return sweeps.all();
    }

    private List<ControlView> view(boolean operator) {
        Map<String, Shown> stored = new LinkedHashMap<>();
        jdbc.sql("SELECT check_id, status, evidence, operator_evidence, checked_at FROM trust_results").query(rs -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> evidence = json.readValue(rs.getString(3), Map.class);
            if (operator) {
                evidence = new LinkedHashMap<>(evidence);
                evidence.put("operatorOnly", json.readValue(rs.getString(4), Map.class));
            }
            stored.put(rs.getString(1), new Shown(rs.getString(1), rs.getString(2), evidence, rs.getTimestamp(5).toInstant()));
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
