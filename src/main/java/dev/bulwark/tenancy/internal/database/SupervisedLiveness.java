package dev.bulwark.tenancy.internal.database;

import java.util.Optional;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Liveness follows the supervisor: BROKEN once it has failed {@code restart-attempts} restarts in a row (the instance
 * cannot recover by itself), CORRECT again when a later restart succeeds. A database that is merely down, or restarting,
 * leaves liveness UP: readiness says DOWN and requests answer 503 meanwhile.
 */
final class SupervisedLiveness implements PostgresSupervisor.Listener, DisposableBean {

    private final Optional<PostgresSupervisor> supervisor;
    private final ApplicationEventPublisher events;

    SupervisedLiveness(Optional<PostgresSupervisor> supervisor, ApplicationEventPublisher events) {
        this.supervisor = supervisor;
        this.events = events;
        supervisor.ifPresent(s -> {
            s.addListener(this);
            if (s.state() == PostgresSupervisor.State.GAVE_UP) {
                liveness(true);
            }
        });
    }

    @Override
    public void liveness(boolean broken) {
        AvailabilityChangeEvent.publish(events, this, broken ? LivenessState.BROKEN : LivenessState.CORRECT);
    }

    @Override
    public void destroy() {
        supervisor.ifPresent(s -> s.removeListener(this));
    }
}
