package dev.bulwark.identity;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.bulwark.IntegrationTest;
import dev.bulwark.access.StoppedBudgetClock;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-IP budget shared by sign-in and signup: headers on every answer, 429 with Retry-After past it. */
@TestPropertySource(properties = "bulwark.http.auth-requests-per-minute=4")
@Import(StoppedBudgetClock.class)
class AuthRateLimitTest extends IntegrationTest {

    @Test
    void pastTheBudgetSignInAndSignupAnswer429WithRetryAfter() {
        HttpResponse<String> first = postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "wrong-password-1"));
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"auth\";q=4;w=60");
        assertThat(first.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"auth\";r=3;t=");
        for (int i = 0; i < 3; i++) {
            postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "wrong-password-1"));
        }
        HttpResponse<String> limited = postJson("/api/v1/auth/login", Map.of("email", uniqueEmail(), "password", "wrong-password-1"));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertThat(limited.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"auth\";r=0;t=");
        assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        // The same budget covers signup: nothing is created past it.
        HttpResponse<String> signup = postJson("/api/v1/signup", Map.of("email", uniqueEmail(), "password", STRONG_PASSWORD,
                "name", "Late", "organisationName", "Late Org"));
        assertThat(signup.statusCode()).isEqualTo(429);
        // Other endpoints are not part of this budget.
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
    }
}
