package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** {@code GET /v1/sandboxes}: every sandbox of the cluster, read from PVE. Blocking: wrap in {@link OffLoop}. */
final class ListSandboxesHandler implements ApiHandler {

    private final ControlServices services;

    ListSandboxesHandler(ControlServices services) {
        this.services = services;
    }

    @Override
    public void handle(ApiExchange exchange) {
        exchange.respond(HttpResponseStatus.OK, Map.of("sandboxes",
                services.sandboxes().list().stream().map(s -> JsonViews.sandbox(s, services.activity())).toList()));
    }
}
