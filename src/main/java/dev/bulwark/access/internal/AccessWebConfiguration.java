package dev.bulwark.access.internal;

import java.util.List;

import org.springframework.context.annotation.Configuration;
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

    /** The access check first (404/403 decided before any budget is spent), then the budgets. */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(access).order(0);
        registry.addInterceptor(rateLimits).order(1);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(access);
    }
}
