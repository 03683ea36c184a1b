package dev.bulwark.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BearerTokens} and {@link HeaderCharacters} give Spring Security's own answers: the first those of
 * {@link DefaultBearerTokenResolver} (a token, none, or a refusal) for every shape of header and parameter, the second
 * those of {@link StrictHttpFirewall}'s header predicates for every code point.
 */
class BearerTokensTest {

    private static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWJ5dGVz_-~+/";

    private final BearerTokens tokens = new BearerTokens(r -> "/actuator/prometheus".equals(r.getRequestURI()), r -> null);
    private final DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();

    @Test
    void answersAsTheStandardResolverForEveryShapeOfHeader() {
        List<String> headers = new ArrayList<>(List.of("Bearer " + JWT, "bearer " + JWT, "BEARER " + JWT, "bEaReR " + JWT,
                "Bearer " + JWT + "==", "Bearer " + JWT + "=x", "Bearer =", "Bearer ", "Bearer", "Bearerx " + JWT,
                "Bearer  " + JWT, "Bearer " + JWT + " ", "Bearer\t" + JWT, "Basic dXNlcjpwYXNz", "", "bwk_abc",
                "Bearer bwk_0123456789abcdef", "Bearer " + JWT.replace('.', '%'), "Bearer tok\u00e9n", "Bearer a", "Bearer' OR 1=1--",
                "Bearer a=b", "Bearer ===", "Bearerbearer " + JWT));
        Random random = new Random(7);
        String alphabet = "aZ09-._~+/= \t%'\"\u00e9eBbRr";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : random.nextBoolean() ? "bearer" : "");
            for (int n = random.nextInt(12); n > 0; n--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(header.toString());
        }
        for (String header : headers) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/orgs");
            request.addHeader("Authorization", header);
            assertThat(outcome(() -> tokens.resolve(request))).as(header).isEqualTo(outcome(() -> standard.resolve(request)));
        }
    }

    @Test
    void aRequestThatAlsoCarriesAnAccessTokenParameterGetsTheStandardAnswer() {
        MockHttpServletRequest query = new MockHttpServletRequest("GET", "/api/v1/orgs");
        query.addHeader("Authorization", "Bearer " + JWT);
        query.setQueryString("access_token=" + JWT);
        query.addParameter("access_token", JWT);
        assertThat(outcome(() -> tokens.resolve(query))).isEqualTo(outcome(() -> standard.resolve(query)));

        MockHttpServletRequest form = new MockHttpServletRequest("POST", "/api/v1/orgs");
        form.addHeader("Authorization", "Bearer " + JWT);
        form.setContentType("application/x-www-form-urlencoded");
        form.addParameter("access_token", JWT);
        assertThat(outcome(() -> tokens.resolve(form))).isEqualTo(outcome(() -> standard.resolve(form)));

        // Only a parameter: never accepted from there, by either.
        MockHttpServletRequest only = new MockHttpServletRequest("GET", "/api/v1/orgs");
        only.setQueryString("access_token=" + JWT);
        only.addParameter("access_token", JWT);
        assertThat(outcome(() -> tokens.resolve(only))).isEqualTo("none").isEqualTo(outcome(() -> standard.resolve(only)));
    }

    @Test
    void resolvesOncePerRequestAndNeverOnTheMetricsPath() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/orgs");
        request.addHeader("Authorization", "Bearer " + JWT);
        assertThat(tokens.resolve(request)).isEqualTo(JWT);
        request.removeHeader("Authorization");
        assertThat(tokens.resolve(request)).as("the first answer is kept for the request").isEqualTo(JWT);

        MockHttpServletRequest scrape = new MockHttpServletRequest("GET", "/actuator/prometheus");
        scrape.addHeader("Authorization", "Bearer " + JWT);
        assertThat(tokens.resolve(scrape)).isNull();

        BearerTokens withCookie = new BearerTokens(r -> false, r -> "from-cookie");
        assertThat(withCookie.resolve(new MockHttpServletRequest("GET", "/console"))).isEqualTo("from-cookie");
        MockHttpServletRequest both = new MockHttpServletRequest("GET", "/api/v1/orgs");
        both.addHeader("Authorization", "Bearer " + JWT);
        assertThat(withCookie.resolve(both)).as("the header comes first").isEqualTo(JWT);
    }

    @Test
    void headerCharactersAreTheFirewallsOnEveryCodePoint() {
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String alone = Character.toString(codePoint);
            String within = "Bearer " + alone + "x";
            assertThat(HeaderCharacters.allowedValue(alone)).as("value U+%04X", codePoint)
                    .isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(alone));
            assertThat(HeaderCharacters.allowedValue(within)).as("value with U+%04X", codePoint)
                    .isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(within));
            assertThat(HeaderCharacters.allowedName(alone)).as("name U+%04X", codePoint)
                    .isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(alone));
        }
        // Lone and reversed surrogates, and the empty string.
        for (String odd : List.of("\ud800", "a\udc00b", "\udc00\ud800", "")) {
            assertThat(HeaderCharacters.allowedValue(odd)).isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(odd));
            assertThat(HeaderCharacters.allowedName(odd)).isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(odd));
        }
    }

    private static String outcome(Supplier<String> resolve) {
        try {
            String token = resolve.get();
            return token == null ? "none" : "token:" + token;
        } catch (OAuth2AuthenticationException e) {
            return "refused";
        }
    }
}
