package dev.bulwark.access.internal;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import dev.bulwark.access.Caller;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.ResolvableType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * One transaction per organisation request, gate first. For an {@code @Requires} endpoint the handler adapter reads the
 * request body whole (so no slow client holds a database connection while it uploads), opens the transaction, runs the
 * gate as its first statement ({@link OrganisationAccess#admit}), spends the organisation's budget, invokes the handler
 * (whose services join the transaction and its binding), and commits, all before a byte of the answer leaves: the
 * answer is held until the commit, so a write, or a disclosure and the audit event recording it, is acknowledged only
 * once it is durable, and a failed commit answers a problem instead. A long answer (a handler that streams its answer:
 * the exports) is admitted in a short transaction of its own and written in its own snapshot transaction (see
 * {@code web.LongAnswers}), so no connection is held while it waits for its turn or while its client reads.
 *
 * <p>Written here because Spring MVC offers no hook around a handler's invocation and the writing of its answer: an
 * interceptor's {@code preHandle} runs before, {@code postHandle} after the answer is written.
 */
class GatedRequests extends RequestMappingHandlerAdapter {

    // Providers: the adapter is made while Spring MVC is configured, before the beans it calls need to exist.
    private final ObjectProvider<OrganisationAccess> access;
    private final ObjectProvider<RateLimits> rateLimits;
    private final ObjectProvider<PlatformTransactionManager> transactions;

    GatedRequests(ObjectProvider<OrganisationAccess> access, ObjectProvider<RateLimits> rateLimits,
                  ObjectProvider<PlatformTransactionManager> transactions) {
        this.access = access;
        this.rateLimits = rateLimits;
        this.transactions = transactions;
    }

    @Override
    protected ModelAndView invokeHandlerMethod(HttpServletRequest request, HttpServletResponse response, HandlerMethod handler)
            throws Exception {
        if (!(Declaration.of(handler) instanceof Declaration.InOrganisation declaration)
                || request.getDispatcherType() == DispatcherType.ASYNC) {
            // The async dispatch that ends a streamed answer only writes what the admitted handler returned.
            return super.invokeHandlerMethod(request, response, handler);
        }
        HttpServletRequest read = ReadBody.of(request);
        PlatformTransactionManager transactions = this.transactions.getObject();
        if (streams(handler)) {
            // A long answer is written on a spooling thread in a snapshot transaction of its own, after waiting for its
            // turn: holding a connection here meanwhile would let waiting answers starve the spooler of connections.
            // Admitted in a transaction of its own; the answer's own transaction then reads what it sends.
            TransactionStatus admission = transactions.getTransaction(TransactionDefinition.withDefaults());
            try {
                admit(read, response, declaration);
            } catch (Throwable refused) {
                transactions.rollback(admission);
                throw refused;
            }
            transactions.commit(admission);
            return super.invokeHandlerMethod(read, response, handler);
        }
        ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
        TransactionStatus transaction = transactions.getTransaction(TransactionDefinition.withDefaults());
        ModelAndView result;
        try {
            admit(read, response, declaration);
            result = super.invokeHandlerMethod(read, held, handler);
        } catch (Throwable failed) {
            if (!transaction.isCompleted()) {
                transactions.rollback(transaction);
            }
            throw failed;
        }
        // A commit that fails throws here: the held answer is dropped and the failure is answered as a problem.
        transactions.commit(transaction);
        held.copyBodyToResponse();
        return result;
    }

    /** The gate, as the transaction's first statement, then the organisation's budget. */
    private void admit(HttpServletRequest request, HttpServletResponse response, Declaration.InOrganisation declaration) {
        Caller caller = access.getObject().admit(request, declaration);
        rateLimits.getObject().organisation(request, response, caller);
    }

    /** Whether the handler answers through a body written after it returns (a stream), which cannot be held. */
    private static boolean streams(HandlerMethod handler) {
        ResolvableType type = ResolvableType.forMethodReturnType(handler.getMethod());
        if (ResponseEntity.class.isAssignableFrom(type.toClass())) {
            type = type.getGeneric(0);
        }
        Class<?> answer = type.toClass();
        return StreamingResponseBody.class.isAssignableFrom(answer) || ResponseBodyEmitter.class.isAssignableFrom(answer);
    }

    /** The request with its body read whole from the client, within the size limit the web module sets. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        private ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        static HttpServletRequest of(HttpServletRequest request) throws IOException {
            String type = request.getContentType();
            boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
            if (!hasBody || (type != null && (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")))) {
                return request;
            }
            return new ReadBody(request, request.getInputStream().readAllBytes());
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was read already");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
