package dev.bulwark.web.internal;

import java.util.concurrent.atomic.AtomicInteger;

import dev.bulwark.web.internal.OverloadFilter.RouteClass;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overload filter's route classes (docs/resilience.md, "Overload"): only the two AI calls that wait on a provider
 * leave the API's class, which is sized for the database pool; and a slot given back early is given back once.
 */
class RouteClassTest {

    @Test
    void onlyTheCallsThatWaitOnAProviderAreInTheAiClass() {
        assertThat(RouteClass.of("/api/v1/orgs/0b5c5a43-1c9e-4b4e-9d0f-3f0e7f7c2a11/ai/completions")).isEqualTo(RouteClass.AI);
        assertThat(RouteClass.of("/api/v1/orgs/0b5c5a43-1c9e-4b4e-9d0f-3f0e7f7c2a11/projects/5d1c/documents/ai-draft"))
                .isEqualTo(RouteClass.AI);
        // The rest of the AI module's API reads and writes the database like any other call.
        assertThat(RouteClass.of("/api/v1/orgs/0b5c5a43/ai/policy")).isEqualTo(RouteClass.API);
        assertThat(RouteClass.of("/api/v1/orgs/0b5c5a43/ai/usage")).isEqualTo(RouteClass.API);
        assertThat(RouteClass.of("/api/v1/orgs/0b5c5a43/ai/completions/extra")).isEqualTo(RouteClass.API);
        assertThat(RouteClass.of("/api/v1/orgs/a/b/ai/completions")).as("one path segment for the organisation").isEqualTo(RouteClass.API);
        assertThat(RouteClass.of("/ai/completions")).isEqualTo(RouteClass.PAGES);
        assertThat(RouteClass.of("/api/v1/me")).isEqualTo(RouteClass.API);
        assertThat(RouteClass.of("/actuator/health/readiness")).isEqualTo(RouteClass.HEALTH);
        assertThat(RouteClass.of("/trust")).isEqualTo(RouteClass.PAGES);
    }

    @Test
    void aSlotGivenBackEarlyIsGivenBackOnce() {
        AtomicInteger released = new AtomicInteger();
        RequestSlot slot = new RequestSlot(released::incrementAndGet);
        slot.leave();
        slot.leave(); // the filter's own release at the end of the request
        assertThat(released).hasValue(1);
    }
}
