package dev.bulwark.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import dev.bulwark.web.HttpProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The whole HTTP security policy in one place. Public: signup, sign-in, token refresh, health probes,
 * /.well-known (JWKS) and the OpenAPI description. Metrics: a bearer scrape token. Everything else needs a valid access token.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain httpSecurity(HttpSecurity http, ProblemWriter problems, HttpProperties properties, JwtDecoder jwtDecoder,
                                     @Qualifier("apiKeyAuthenticationProvider") AuthenticationProvider apiKeys) throws Exception {
        // Two kinds of bearer credential, told apart by shape: API keys (bwk_…, the access module's provider) and
        // access JWTs (the identity module's JwtDecoder). Each goes straight to its own verifier.
        AuthenticationManager keyManager = new ProviderManager(apiKeys);
        JwtAuthenticationProvider jwtProvider = new JwtAuthenticationProvider(jwtDecoder);
        // Access is decided by the organisation gate and the endpoint's declared permission (docs/access-control.md),
        // never by Spring authorities: a token's claims are not turned into granted authorities, which in a profile of
        // secured reads took most of the authentication's CPU (docs/benchmarks.md, "One gate per request").
        jwtProvider.setJwtAuthenticationConverter(jwt -> new JwtAuthenticationToken(jwt, List.of(), jwt.getSubject()));
        AuthenticationManager jwtManager = new ProviderManager(jwtProvider);
        BearerTokenResolver tokens = accessTokens();
        http
                // CSRF applies where a credential is ambient, a browser-session cookie: CookieSessions.CsrfFilter checks it
                // before this chain. Spring Security's own CSRF filter cannot: the resource server exempts every request
                // whose bearer resolver finds a token, and here that includes the cookie's.
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Every security header is written by SecurityHeadersFilter, on every response, errors included.
                .headers(AbstractHttpConfigurer::disable)
                .cors(c -> c.configurationSource(CorsPolicy.of(properties)))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(unauthorized(problems))
                        .accessDeniedHandler((req, res, ex) -> problems.write(req, res, Problems.forStatus(403))))
                // Access tokens: Bearer JWTs, verified by the identity module's JwtDecoder (algorithm, issuer,
                // audience, lifetime, live session); or API keys. A bad, expired or revoked one answers 401 like none.
                .oauth2ResourceServer(o -> o
                        .bearerTokenResolver(tokens)
                        .authenticationManagerResolver(request -> {
                            String token = tokens.resolve(request);
                            return token != null && token.startsWith("bwk_") ? keyManager : jwtManager;
                        })
                        .authenticationEntryPoint(unauthorized(problems)))
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/api/v1/signup", "/api/v1/auth/login", "/api/v1/auth/login/mfa", "/api/v1/auth/refresh",
                                "/api/v1/auth/verify-email", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
                                "/api/v1/auth/passkey/options", "/api/v1/auth/passkey", "/api/v1/auth/login/mfa/passkey",
                                "/api/v1/api-keys/report-leak", "/api/v1/billing/stripe/webhook", "/api/v1/trust", "/api/v1/trust/evidence", "/trust", "/trust/docs/*").permitAll()
                        // The guest portal: its endpoints check the guest's own cookie (guests/web/PortalController).
                        .requestMatchers("/portal/magic", "/api/v1/portal/documents", "/api/v1/portal/documents/*").permitAll()
                        // Single sign-on: its start and the identity provider's redirect back (docs/sso.md).
                        .requestMatchers("/api/v1/auth/sso/start", "/api/v1/auth/sso/callback").permitAll()
                        // The console's pages answer without a session (its sign-in); each reads and changes only
                        // through the API, which checks the session (docs/console.md).
                        .requestMatchers("/", "/console", "/console/**").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness").permitAll()
                        .requestMatchers("/actuator/prometheus").access((authentication, context) ->
                                new AuthorizationDecision(scrapeTokenMatches(context.getRequest(), properties.metricsToken())))
                        .requestMatchers("/.well-known/**").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs.yaml").permitAll()
                        .anyRequest().authenticated());
        return http.build();
    }

    /**
     * Bearer tokens are access tokens everywhere but on the metrics path, whose scrape token is checked below; without
     * an Authorization header, a browser session's access cookie stands for one.
     */
    private static BearerTokenResolver accessTokens() {
        return new BearerTokens(request -> "/actuator/prometheus".equals(request.getRequestURI()), CookieSessions::accessToken);
    }

    private static AuthenticationEntryPoint unauthorized(ProblemWriter problems) {
        return (req, res, ex) -> {
            if ("GET".equals(req.getMethod()) && (req.getRequestURI().equals("/console") || req.getRequestURI().startsWith("/console/"))) {
                // A console page with a session cookie that no longer works (expired, signed out elsewhere): the
                // cookie is dropped and the person goes back to the sign-in page, not to a JSON problem.
                res.addHeader(HttpHeaders.SET_COOKIE, org.springframework.http.ResponseCookie.from(CookieSessions.ACCESS, "")
                        .httpOnly(true).secure(true).sameSite("Lax").path("/").maxAge(0).build().toString());
                res.setStatus(303);
                res.setHeader(HttpHeaders.LOCATION, "/console");
                return;
            }
            res.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            problems.write(req, res, Problems.forStatus(401));
        };
    }

    /**
     * Spring Security's strict firewall as it comes, with its header checks done by a loop (same answers, a fraction
     * of the CPU on long headers such as an access token).
     */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters::allowedName);
        firewall.setAllowedHeaderValues(HeaderCharacters::allowedValue);
        return firewall;
    }

    /**
     * Authentications and authorisations are observed (metrics, and spans when tracing exports them); the filter chain's
     * own observations are not: one per filter and request, a visible share of a secured request's CPU in a profile,
     * for spans that only name Spring Security's filters. The request's own span and {@code http.server.requests} stay.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.withDefaults().shouldObserveRequests(false).build();
    }

    /** No user store yet: an empty one stops Spring Boot from generating a default user and printing its password. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }

    private static boolean scrapeTokenMatches(HttpServletRequest request, String expected) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (expected == null || expected.isEmpty() || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
    }
}
