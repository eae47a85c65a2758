package dev.cmux.control.api;

import dev.cmux.control.sandbox.Orphans;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/**
 * {@code GET /v1/sandboxes}: every sandbox of the cluster, read from PVE; {@code ?orphans=true}: the containers named
 * like sandboxes without metadata instead ({@link Orphans}). Blocking: wrap in {@link OffLoop}.
 */
record ListSandboxesHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        if ("true".equals(exchange.queryParam("orphans"))) {
            exchange.respond(HttpResponseStatus.OK, Map.of("orphans",
                    new Orphans(services.parts().pve()).list().stream().map(JsonViews::orphan).toList()));
            return;
        }
        exchange.respond(HttpResponseStatus.OK, Map.of("sandboxes",
                services.sandboxes().list().stream().map(s -> JsonViews.sandbox(s, services)).toList()));
    }
}
