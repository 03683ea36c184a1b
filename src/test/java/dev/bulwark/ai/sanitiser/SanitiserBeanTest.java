package dev.bulwark.ai.sanitiser;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sanitiser as the application wires it: a bean built from {@code bulwark.ai.sanitiser.*}. */
class SanitiserBeanTest {

    @Configuration
    @EnableConfigurationProperties(SanitiserProperties.class)
    @Import(Sanitiser.class)
    static class Wiring {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Wiring.class);

    @Test
    void theBeanUsesTheDefaultBudgetAndSanitises() {
        context.run(c -> {
            assertThat(c.getBean(SanitiserProperties.class).budget()).hasMillis(200);
            Sanitiser.Session session = c.getBean(Sanitiser.class).begin(KnownPeople.none(), "GB");
            assertThat(session.sanitise("ring 020 7946 0958 or mail ops@example.com"))
                    .isEqualTo("ring [PHONE_1] or mail [EMAIL_1]");
        });
    }

    @Test
    void theBudgetIsConfigurableAndATinyOneFailsEveryCallClosed() {
        context.withPropertyValues("bulwark.ai.sanitiser.budget=1ns").run(c -> {
            Sanitiser.Session session = c.getBean(Sanitiser.class).begin(KnownPeople.none(), null);
            assertThatThrownBy(() -> session.sanitise("mail ops@example.com")).isInstanceOf(SanitiserFailure.class);
        });
    }

    @Test
    void anInvalidBudgetRefusesTheStart() {
        context.withPropertyValues("bulwark.ai.sanitiser.budget=0s").run(c -> assertThat(c).hasFailed());
    }
}
