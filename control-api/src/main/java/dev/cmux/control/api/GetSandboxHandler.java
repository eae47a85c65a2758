package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /v1/sandboxes/{vmid}}. Blocking: wrap in {@link OffLoop}. */
final class GetSandboxHandler implements ApiHandler {

    private final ControlServices services;

    GetSandboxHandler(ControlServices services) {
        this.services = services;
    }

    @Override
    public void handle(ApiExchange exchange) {
        exchange.respond(HttpResponseStatus.OK, JsonViews.sandbox(services.sandboxes().get(Vmid.of(exchange)),
                services.activity()));
    }
}
