/** The HTTP edge: security headers, CSRF, request limits, client addresses behind trusted proxies, overload shedding, problem answers, TLS. */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "access"})
package dev.bulwark.web;
