package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** {@code GET /v1/presets}: the config's presets, the default one and the versions learned from PVE templates. */
record ListPresetsHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        exchange.respond(HttpResponseStatus.OK, Map.of("presets",
                services.images().catalog().all().values().stream().map(ImageViews::preset).toList()));
    }
}
