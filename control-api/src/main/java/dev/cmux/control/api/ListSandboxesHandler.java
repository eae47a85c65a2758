package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** {@code GET /v1/sandboxes}: every sandbox of the cluster, read from PVE. Blocking: wrap in {@link OffLoop}. */
record ListSandboxesHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        ActivityView activity = services.wiring().activity();
        exchange.respond(HttpResponseStatus.OK, Map.of("sandboxes",
                services.sandboxes().list().stream().map(s -> JsonViews.sandbox(s, activity)).toList()));
    }
}
