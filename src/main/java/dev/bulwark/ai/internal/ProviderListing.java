package dev.bulwark.ai.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.bulwark.access.Caller;
import dev.bulwark.ai.AiProperties;
import dev.bulwark.shared.Page;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.stereotype.Service;

/** The providers as an organisation sees them: what each is, whether its policy allows it, and its own key if set. */
@Service
public class ProviderListing {

    /** One provider for an organisation; {@code orgKey} null when it has no key of its own for it. */
    public record ProviderView(String id, String kind, String region, List<String> models, boolean allowed,
                               ProviderKeys.OrgKey orgKey) {
    }

    private final Providers providers;
    private final AiPolicies policies;
    private final ProviderKeys keys;
    private final TenantScope tenantScope;

    ProviderListing(Providers providers, AiPolicies policies, ProviderKeys keys, TenantScope tenantScope) {
        this.providers = providers;
        this.policies = policies;
        this.keys = keys;
        this.tenantScope = tenantScope;
    }

    /** Every configured provider, in id order, on one page. */
    public Page<ProviderView> list(Caller caller) {
        return tenantScope.inTenant(caller.orgId(), caller.userId(), () -> {
            AiPolicies.Policy policy = policies.read(caller.orgId());
            Map<String, ProviderKeys.OrgKey> own = keys.shown(caller.orgId());
            List<ProviderView> items = new ArrayList<>();
            providers.all().forEach((id, provider) -> items.add(new ProviderView(id, provider.kind(), provider.region(),
                    provider.models(), allowed(policy, id, provider), own.get(id))));
            return new Page<>(items, null);
        });
    }

    private static boolean allowed(AiPolicies.Policy policy, String id, AiProperties.Provider provider) {
        return policy.enabled() && policy.providers().contains(id) && policy.allowsRegion(provider.region());
    }
}
