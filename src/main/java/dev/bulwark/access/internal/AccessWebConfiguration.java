package dev.bulwark.access.internal;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Puts the access check, then the request budgets, in front of every handler. */
@Configuration(proxyBeanMethods = false)
class AccessWebConfiguration implements WebMvcConfigurer {

    private final OrganisationAccess access;
    private final RateLimits rateLimits;

    AccessWebConfiguration(OrganisationAccess access, RateLimits rateLimits) {
        this.access = access;
        this.rateLimits = rateLimits;
    }

    /**
     * The declaration check first (an undeclared endpoint, a key on a person's endpoint), then the caller's own budget.
     * An organisation's gate and its shared budget follow in {@link GatedRequests}, in the request's transaction.
     */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(access).order(0);
        registry.addInterceptor(rateLimits).order(1);
    }

    /** The handler adapter that runs each organisation request in one transaction, gate first. */
    @Bean
    static WebMvcRegistrations gatedRequests(ObjectProvider<OrganisationAccess> access, ObjectProvider<RateLimits> rateLimits,
                                             ObjectProvider<PlatformTransactionManager> transactions) {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
                return new GatedRequests(access, rateLimits, transactions);
            }
        };
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(access);
    }
}
