package dev.bulwark.ai.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.bulwark.ai.AiAssurance;
import dev.bulwark.ai.AiProperties;
import dev.bulwark.ai.sanitiser.KnownPeople;
import dev.bulwark.ai.sanitiser.Sanitiser;
import dev.bulwark.shared.RefusedException;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The trust center's view of the gateway ({@link AiAssurance}), through the gateway's own code. */
@Service
class Assurance implements AiAssurance {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Providers providers;
    private final AiPolicies policies;
    private final Sanitiser sanitiser;
    private final TenantScope tenantScope;
    private final JdbcClient jdbc;

    Assurance(Providers providers, AiPolicies policies, Sanitiser sanitiser, TenantScope tenantScope, JdbcClient jdbc) {
        this.providers = providers;
        this.policies = policies;
        this.sanitiser = sanitiser;
        this.tenantScope = tenantScope;
        this.jdbc = jdbc;
    }

    /** A random organisation id no row names: read as the gateway reads a policy, decided as the gateway decides. */
    @Override
    public Unconfigured unconfiguredOrganisation() {
        UUID synthetic = UUID.randomUUID();
        AiPolicies.Policy policy = tenantScope.inTenant(synthetic, null, () -> policies.read(synthetic));
        Map<String, String> decisions = new LinkedHashMap<>();
        providers.all().forEach((id, provider) -> {
            RefusedException refusal = Gateway.refusal(policy, id, provider);
            decisions.put(id, refusal == null ? "admitted" : refusal.slug());
        });
        return new Unconfigured(policy.enabled(), decisions);
    }

    @Override
    public OrgPolicy policyOf(UUID org) {
        return tenantScope.inTenant(org, null, () -> {
            boolean explicit = jdbc.sql("SELECT count(*) FROM ai_policies WHERE tenant_id = :org").param("org", org)
                    .query(Long.class).single() > 0;
            return new OrgPolicy(explicit, policies.read(org).enabled());
        });
    }

    @Override
    public Canary sanitiserCanary() {
        Map<String, String> planted = new LinkedHashMap<>();
        planted.put("secret", "sk_live_" + random(ALNUM, 28));
        planted.put("card", luhnCard());
        planted.put("iban", iban());
        planted.put("email", "canary-" + HexFormat.of().formatHex(bytes(6)) + "@example.com");
        String prompt = "Charge card " + planted.get("card") + " with key " + planted.get("secret") + ", refund to IBAN "
                + planted.get("iban") + " and write to " + planted.get("email") + ".";
        List<String> kinds = List.copyOf(planted.keySet());
        String sent;
        String restored;
        try {
            Sanitiser.Session session = sanitiser.begin(KnownPeople.none(), null);
            String sanitised = session.sanitise(prompt);
            sent = sanitised;
            var first = providers.all().entrySet().stream().findFirst();
            if (first.isPresent()) {
                AiProperties.Provider provider = first.get().getValue();
                sent = new String(providers.format(provider).call(provider, "canary-key-not-sent", provider.models().getFirst(),
                        List.of(new WireFormat.Message("user", sanitised)), false).body(), StandardCharsets.UTF_8);
            }
            restored = session.restore("Echo: " + sanitised);
        } catch (RuntimeException e) {
            return new Canary(kinds, List.of(), false, true);
        }
        List<String> leaked = new ArrayList<>();
        for (Map.Entry<String, String> p : planted.entrySet()) {
            String value = p.getValue();
            if (sent.contains(value) || sent.contains(value.replace(" ", ""))) {
                leaked.add(p.getKey());
            }
        }
        return new Canary(kinds, leaked, restored.contains(planted.get("email")), false);
    }

    @Override
    public Optional<Instant> oldestUsage(UUID org) {
        return tenantScope.inTenant(org, null, () -> jdbc.sql(
                        "SELECT occurred_at FROM ai_usage WHERE tenant_id = :org ORDER BY occurred_at LIMIT 1")
                .param("org", org)
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .optional());
    }

    @Override
    public List<PublishedProvider> providers() {
        List<PublishedProvider> published = new ArrayList<>();
        providers.all().forEach((id, p) -> published.add(new PublishedProvider(id, p.kind(), p.region(), p.models())));
        return published;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String random(String alphabet, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** A random 16-digit Visa-like number whose last digit makes the Luhn sum a multiple of ten. */
    static String luhnCard() {
        int[] digits = new int[16];
        digits[0] = 4;
        for (int i = 1; i < 15; i++) {
            digits[i] = RANDOM.nextInt(10);
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            // From the right, the check digit is position 1; positions 2, 4, … are doubled.
            int d = digits[14 - i];
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        digits[15] = (10 - sum % 10) % 10;
        StringBuilder s = new StringBuilder();
        for (int d : digits) {
            s.append(d);
        }
        return s.toString();
    }

    /** A random German IBAN with valid check digits (ISO 13616: the number mod 97 is 1). */
    static String iban() {
        String bban = random("0123456789", 18);
        // DE = 13 14; check digits 00 while computing.
        BigInteger n = new BigInteger(bban + "131400");
        int check = 98 - n.mod(BigInteger.valueOf(97)).intValue();
        return "DE" + (check < 10 ? "0" : "") + check + bban;
    }
}
