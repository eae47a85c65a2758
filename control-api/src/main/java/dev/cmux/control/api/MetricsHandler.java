package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code GET /metrics}: Prometheus text. Open to loopback peers (the scraper on the host), token required from
 * anywhere else, since the control API may listen on a wider address.
 */
final class MetricsHandler implements ApiHandler {

    private final BearerToken token;
    private final List<PrometheusSource> sources;

    MetricsHandler(BearerToken token, List<PrometheusSource> sources) {
        this.token = token;
        this.sources = sources;
    }

    @Override
    public void handle(ApiExchange exchange) {
        InetSocketAddress peer = exchange.peer();
        boolean loopback = peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
        if (!loopback && !token.accepts(exchange.header(HttpHeaderNames.AUTHORIZATION))) {
            exchange.fail(new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "Send 'Authorization: Bearer <GATEWAY_CONTROL_TOKEN>' (only loopback scrapes need none).", null));
            return;
        }
        StringBuilder text = new StringBuilder();
        sources.forEach(s -> s.appendTo(text));
        exchange.respondText(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", text.toString());
    }
}
