package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** {@code GET /healthz}: the process answers. */
final class HealthHandler implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        exchange.respond(HttpResponseStatus.OK, Map.of("status", "ok"));
    }
}
