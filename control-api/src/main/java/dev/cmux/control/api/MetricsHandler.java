package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code GET /metrics}: the Prometheus text format 0.0.4, or OpenMetrics when the scraper's {@code Accept} asks for
 * it. Open to loopback peers (the scraper on the host), token required from anywhere else, since the control API
 * may listen on a wider address.
 */
final class MetricsHandler implements ApiHandler {

    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final BearerToken token;
    private final List<PrometheusSource> sources;

    MetricsHandler(BearerToken token, List<PrometheusSource> sources) {
        this.token = token;
        this.sources = sources;
    }

    @Override
    public void handle(ApiExchange exchange) throws Exception {
        InetSocketAddress peer = exchange.peer();
        boolean loopback = peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
        if (!loopback && !token.accepts(exchange.header(HttpHeaderNames.AUTHORIZATION))) {
            exchange.fail(new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "Send 'Authorization: Bearer <GATEWAY_CONTROL_TOKEN>' (only loopback scrapes need none).", null));
            return;
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        sources.forEach(s -> s.scrape().forEach(all::metricSnapshot));
        String accept = exchange.header(HttpHeaderNames.ACCEPT);
        ExpositionFormatWriter writer = FORMATS.findWriter(accept);
        if (!writer.isAvailable()) {
            // protobuf is not shipped (its artifact brings a protobuf runtime); every scraper that asks for it takes text
            writer = FORMATS.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
        writer.write(text, all.build(), EscapingScheme.fromAcceptHeader(accept));
        exchange.respondText(HttpResponseStatus.OK, writer.getContentType(), text.toByteArray());
    }
}
