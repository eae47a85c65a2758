package dev.cmux.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.SandboxKind;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /v1/presets}: the config's presets, the default one and the versions learned from PVE templates, each
 * with its kind: that of its newest version's template ({@code lxc} or {@code vm}; null when PVE has no such guest).
 */
record ListPresetsHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        Map<Integer, String> kinds = new HashMap<>();
        for (JsonNode r : services.parts().pve().vmResources()) {
            SandboxKind kind = NodeLocator.kindOf(r);
            if (kind != null) {
                kinds.put(PveJson.intValue(r.get("vmid"), -1), kind.apiName());
            }
        }
        exchange.respond(HttpResponseStatus.OK, Map.of("presets", services.images().catalog().all().values().stream()
                .map(p -> ImageViews.preset(p, kinds::get)).toList()));
    }
}
