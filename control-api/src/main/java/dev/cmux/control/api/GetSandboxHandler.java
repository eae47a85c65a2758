package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /v1/sandboxes/{vmid}}. Blocking: wrap in {@link OffLoop}. */
record GetSandboxHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        exchange.respond(HttpResponseStatus.OK, JsonViews.sandbox(services.sandboxes().get(exchange.vmid()),
                services));
    }
}
