package dev.bulwark.access;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Counts what a request does on the database, as the JDBC driver sees it: connections taken, statements prepared
 * (with their SQL) and transactions ended (a commit, a rollback, or a statement run in auto-commit, which is a
 * transaction of its own). A request carrying {@code X-Count-Statements: <name>} is counted under that name, from the
 * outermost filter on, authentication included. The counting wraps the application's real data source; nothing is
 * simulated.
 */
@TestConfiguration(proxyBeanMethods = false)
public class CountedStatements {

    /** What one request did. */
    public static final class Count {

        public final AtomicInteger connections = new AtomicInteger();
        public final AtomicInteger transactions = new AtomicInteger();
        public final List<String> statements = new CopyOnWriteArrayList<>();

        @Override
        public String toString() {
            return connections + " connection(s), " + transactions + " transaction(s), " + statements.size() + " statement(s): "
                    + String.join(" | ", statements);
        }
    }

    public static final String HEADER = "X-Count-Statements";

    private static final ConcurrentHashMap<String, Count> COUNTS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Count> CURRENT = new ThreadLocal<>();

    /** The count of the request sent with {@code HEADER: name} (empty if none ran). */
    public static Count of(String name) {
        return COUNTS.computeIfAbsent(name, n -> new Count());
    }

    @Bean
    static BeanPostProcessor countingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource source && name.equals("dataSource") ? counting(source) : bean;
            }
        };
    }

    @Bean
    FilterRegistrationBean<Filter> countingFilter() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
                String name = ((HttpServletRequest) request).getHeader(HEADER);
                if (name != null) {
                    CURRENT.set(of(name));
                }
                try {
                    chain.doFilter(request, response);
                } finally {
                    CURRENT.remove();
                }
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    private static DataSource counting(DataSource source) {
        return (DataSource) Proxy.newProxyInstance(CountedStatements.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(source, method, args);
                    if (method.getName().equals("getConnection") && result instanceof Connection connection) {
                        Count count = CURRENT.get();
                        if (count != null) {
                            count.connections.incrementAndGet();
                        }
                        return counting(connection);
                    }
                    return result;
                });
    }

    private static Connection counting(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            Count count = CURRENT.get();
            if (count != null) {
                switch (method.getName()) {
                    case "commit", "rollback" -> count.transactions.incrementAndGet();
                    case "prepareStatement", "prepareCall", "createStatement" -> {
                        count.statements.add(args == null || args.length == 0 ? "(statement)" : String.valueOf(args[0]).strip());
                        if (connection.getAutoCommit()) {
                            count.transactions.incrementAndGet();
                        }
                    }
                    default -> {
                    }
                }
            }
            return invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(CountedStatements.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
