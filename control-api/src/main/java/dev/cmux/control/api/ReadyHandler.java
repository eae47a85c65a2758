package dev.cmux.control.api;

import dev.cmux.control.config.CloudflareConfig;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /readyz}: 200 when PVE (if configured) answers {@code /version}, with its version; 503 when it does
 * not. Without PVE the gateway still proxies, so it is ready. Blocking: wrap in {@link OffLoop}.
 */
record ReadyHandler(ControlServices services, CloudflareConfig cloudflare) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Object> pve = new LinkedHashMap<>();
        boolean ready = true;
        if (!services.pveEnabled()) {
            pve.put("state", "not-configured");
        } else {
            try {
                pve.put("state", "reachable");
                pve.put("version", services.sandboxes().pveVersion());
            } catch (RuntimeException e) {
                ready = false;
                pve.put("state", "unreachable");
                pve.put("error", ApiErrors.from(e).getMessage());
            }
        }
        body.put("ready", ready);
        body.put("pve", pve);
        body.put("cloudflare", cloudflare.enabled() ? "configured" : "not-configured");
        exchange.respond(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }
}
