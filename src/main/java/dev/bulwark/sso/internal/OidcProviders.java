package dev.bulwark.sso.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.jwk.JWKSet;
import dev.bulwark.egress.DestinationNotAllowedException;
import dev.bulwark.egress.Egress;
import dev.bulwark.egress.EgressFailure;
import dev.bulwark.egress.EgressProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What Bulwark reads from identity providers, always through egress: the discovery document
 * ({@code <issuer>/.well-known/openid-configuration}) and the signing keys (JWKS). Each answer must be a 200 (a
 * redirect is never followed) of at most 1 MiB. An {@code http} URL is accepted only for a destination the operator
 * allows in {@code bulwark.egress.allow}; everything else must be {@code https}. Keys are cached per JWKS URL for ten
 * minutes and fetched again when a token names a key id the cache does not hold (a provider rotating its keys), at
 * most once every ten seconds per URL.
 */
@Component
class OidcProviders {

    static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    private static final Duration KEYS_TTL = Duration.ofMinutes(10);
    private static final Duration REFRESH_GAP = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** A provider as its discovery document describes it. */
    record Provider(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri, boolean postSecret) {
    }

    /** Why reading a provider failed: a short reason, free of secrets, for the problem and the audit event. */
    static final class ProviderFailure extends RuntimeException {
        ProviderFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    private record CachedKeys(JWKSet keys, Instant fetchedAt) {
    }

    private final Egress egress;
    private final Set<String> allowed;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, CachedKeys> keys = new ConcurrentHashMap<>();
    private final Map<String, CachedProvider> discovered = new ConcurrentHashMap<>();

    private record CachedProvider(Provider provider, Instant fetchedAt) {
    }

    OidcProviders(Egress egress, EgressProperties egressProperties, ObjectMapper json) {
        this.egress = egress;
        this.allowed = new HashSet<>(egressProperties.allow().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /**
     * Whether {@code url} may name a provider endpoint: absolute, no user information or fragment, {@code https}, or
     * {@code http} to a destination allowed in {@code bulwark.egress.allow}. Answers why not, or null.
     */
    String refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return "must be an absolute URL with a host, without user information or fragment";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return null;
        }
        if (scheme.equals("http")) {
            int port = uri.getPort() == -1 ? 80 : uri.getPort();
            return allowed.contains(uri.getHost().toLowerCase(Locale.ROOT) + ":" + port) ? null
                    : "must be https (http only for a destination the operator allows)";
        }
        return "must be https";
    }

    /** The issuer's provider, read again when the copy in hand is older than ten minutes ({@link #discover}). */
    Provider provider(String issuer) {
        CachedProvider cached = discovered.get(issuer);
        if (cached != null && cached.fetchedAt().plus(KEYS_TTL).isAfter(clock.instant())) {
            return cached.provider();
        }
        return discover(issuer);
    }

    /** The issuer's discovery document, read now and checked: its issuer is {@code issuer} exactly, its endpoints acceptable. */
    Provider discover(String issuer) {
        Provider provider = read(issuer);
        discovered.put(issuer, new CachedProvider(provider, clock.instant()));
        return provider;
    }

    private Provider read(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode doc = document(base + "/.well-known/openid-configuration");
        if (!issuer.equals(text(doc, "issuer"))) {
            throw new ProviderFailure("the discovery document names another issuer");
        }
        String authorization = endpoint(doc, "authorization_endpoint");
        String token = endpoint(doc, "token_endpoint");
        String jwks = endpoint(doc, "jwks_uri");
        JsonNode methods = doc.get("token_endpoint_auth_methods_supported");
        boolean basic = methods == null || !methods.isArray();
        boolean post = false;
        if (!basic) {
            for (JsonNode m : methods) {
                basic |= "client_secret_basic".equals(m.asString());
                post |= "client_secret_post".equals(m.asString());
            }
            if (!basic && !post) {
                throw new ProviderFailure("the provider supports neither client_secret_basic nor client_secret_post");
            }
        }
        return new Provider(issuer, authorization, token, jwks, !basic);
    }

    /** The provider's keys, from the cache unless {@code missingKid} names a key it lacks (then fetched again). */
    JWKSet keys(String jwksUri, String missingKid) {
        Instant now = clock.instant();
        CachedKeys cached = keys.get(jwksUri);
        boolean fresh = cached != null && cached.fetchedAt().plus(KEYS_TTL).isAfter(now);
        boolean lacks = cached != null && missingKid != null && cached.keys().getKeyByKeyId(missingKid) == null;
        if (fresh && !(lacks && cached.fetchedAt().plus(REFRESH_GAP).isBefore(now))) {
            return cached.keys();
        }
        JsonNode doc = document(jwksUri);
        try {
            JWKSet set = JWKSet.parse(json.writeValueAsString(doc));
            keys.put(jwksUri, new CachedKeys(set, now));
            return set;
        } catch (java.text.ParseException e) {
            throw new ProviderFailure("the provider's key set is not a JWK set");
        }
    }

    /** A POST of a form to the provider's token endpoint; the answer's status and JSON body. */
    record TokenAnswer(int status, JsonNode body) {
    }

    TokenAnswer post(String url, Map<String, String> headers, byte[] form) {
        if (refusal(url) != null) {
            throw new ProviderFailure("the token endpoint is not an allowed URL");
        }
        try (Egress.Streamed answer = egress.open(new Egress.Call("POST", url, headers, form, TIMEOUT))) {
            byte[] body = capped(answer.body());
            JsonNode node;
            try {
                node = json.readTree(body);
            } catch (RuntimeException e) {
                node = null;
            }
            return new TokenAnswer(answer.status(), node);
        } catch (DestinationNotAllowedException e) {
            throw new ProviderFailure("the token endpoint is not an allowed destination");
        } catch (EgressFailure e) {
            throw new ProviderFailure("the token endpoint did not answer (" + e.reason() + ")");
        }
    }

    private JsonNode document(String url) {
        String refused = refusal(url);
        if (refused != null) {
            throw new ProviderFailure("the URL " + refused);
        }
        try (Egress.Streamed answer = egress.open(new Egress.Call("GET", url, Map.of("Accept", "application/json"), null, TIMEOUT))) {
            if (answer.status() >= 300 && answer.status() < 400) {
                throw new ProviderFailure("the provider answered a redirect, which is not followed");
            }
            if (answer.status() != 200) {
                throw new ProviderFailure("the provider answered " + answer.status());
            }
            byte[] body = capped(answer.body());
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ProviderFailure("the provider's answer is not a JSON object");
            }
            return node;
        } catch (DestinationNotAllowedException e) {
            throw new ProviderFailure("the provider is not an allowed destination");
        } catch (EgressFailure e) {
            throw new ProviderFailure("the provider did not answer completely (" + e.reason() + ")");
        } catch (ProviderFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProviderFailure("the provider's answer is not JSON");
        }
    }

    /** The body, refused when it is larger than 1 MiB, whatever the egress cap is. */
    private static byte[] capped(InputStream in) {
        try {
            byte[] body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (body.length > MAX_DOCUMENT_BYTES) {
                throw new ProviderFailure("the provider's answer is larger than 1 MiB");
            }
            return body;
        } catch (EgressFailure e) {
            throw new ProviderFailure("too-large".equals(e.reason()) ? "the provider's answer is larger than 1 MiB"
                    : "the provider's answer broke off (" + e.reason() + ")");
        } catch (IOException e) {
            throw new ProviderFailure("the provider's answer broke off");
        }
    }

    private String endpoint(JsonNode doc, String name) {
        String url = text(doc, name);
        if (url == null) {
            throw new ProviderFailure("the discovery document has no " + name);
        }
        String refused = refusal(url);
        if (refused != null) {
            throw new ProviderFailure("the discovery document's " + name + " " + refused);
        }
        return url;
    }

    private static String text(JsonNode doc, String name) {
        JsonNode node = doc.get(name);
        return node != null && node.isString() ? node.asString() : null;
    }

    static List<String> strings(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (node.isString()) {
            return List.of(node.asString());
        }
        return node.isArray() ? node.valueStream().filter(JsonNode::isString).map(JsonNode::asString).toList() : List.of();
    }
}
