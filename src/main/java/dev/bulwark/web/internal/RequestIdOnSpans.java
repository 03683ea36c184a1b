package dev.bulwark.web.internal;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.ObservationFilter;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Every server request's observation, and so its trace span, carries the request's id ({@link RequestIdFilter}) as
 * {@code request.id}: the id a client sees in {@code X-Request-Id} and in a problem body, and the one in the log lines
 * and audit events of that request, finds its trace. A high-cardinality value, so it never becomes a metric tag.
 */
@Component
class RequestIdOnSpans implements ObservationFilter {

    static final String KEY = "request.id";

    @Override
    public io.micrometer.observation.Observation.Context map(io.micrometer.observation.Observation.Context context) {
        if (context instanceof ServerRequestObservationContext server && server.getCarrier() != null
                && server.getCarrier().getAttribute(RequestIdFilter.ATTRIBUTE) instanceof String id) {
            context.addHighCardinalityKeyValue(KeyValue.of(KEY, id));
        }
        return context;
    }
}
