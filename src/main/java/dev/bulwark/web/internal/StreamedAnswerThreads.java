package dev.bulwark.web.internal;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Streamed answers (a {@code StreamingResponseBody}: the exports, the access request, an AI draft) are written on a
 * platform thread of their own, made for the answer and gone after it, not on a virtual thread (docs/resilience.md,
 * "Request threads"). Virtual threads share the JVM's one carrier per core in the order they became runnable: under a
 * flood, an export spooled in 0.3 s then waited up to 1.9 s for a carrier before its first byte was sent, behind every
 * other virtual thread of the process. A platform thread is time-sliced by the operating system and starts at once.
 * <p>How many: the overload filter's slot goes back when a request's async part starts, so the route classes do not
 * count these threads. The exports' are as many as the long answers' own limits admit (per organisation); an AI
 * draft's only writes the finished document (its provider call ran before, inside the AI class's slot). A client that
 * stops reading holds its thread until the connector's write timeout closes the connection, as it held a virtual
 * thread before.
 */
@Configuration(proxyBeanMethods = false)
class StreamedAnswerThreads implements WebMvcConfigurer {

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("streamed-answer-");
        threads.setVirtualThreads(false);
        threads.setDaemon(true);
        configurer.setTaskExecutor(threads);
    }
}
