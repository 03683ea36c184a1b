package dev.bulwark.access.internal;

import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.HandlerInterceptor;
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
        registry.addInterceptor(firstDispatchOnly(access)).order(0);
        registry.addInterceptor(firstDispatchOnly(rateLimits)).order(1);
    }

    /**
     * Runs {@code interceptor} on a request's first dispatch only. A streamed answer (an export) ends in an async
     * dispatch that only writes what the handler already returned: checking access again there would take a database
     * connection for nothing (and, with the pool saturated, fail an answer already under way), and a second budget
     * would be taken for one request.
     */
    private static HandlerInterceptor firstDispatchOnly(HandlerInterceptor interceptor) {
        return new AsyncHandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
                return request.getDispatcherType() == DispatcherType.ASYNC || interceptor.preHandle(request, response, handler);
            }
        };
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
