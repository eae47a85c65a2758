package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/health/sandbox}: whether the sandbox provider answers and how fast, for cmux's
 * {@code /health/sandbox}: {@code {status: ok|error, provider: "pve-lxc", providerStatus, latencyMs}}. One timed PVE
 * call ({@code GET /version}, as {@link ReadyHandler} asks it); 200 either way, because the answer is the diagnosis.
 * Blocking: wrap in {@link OffLoop}.
 */
record SandboxHealthHandler(ControlServices services, Clock clock) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        Map<String, Object> json = new LinkedHashMap<>();
        long start = clock.millis();
        String providerStatus;
        boolean ok;
        try {
            providerStatus = "PVE " + services.sandboxes().pveVersion() + " answered";
            ok = true;
        } catch (RuntimeException e) {
            providerStatus = "PVE did not answer: " + ApiErrors.from(e).getMessage();
            ok = false;
        }
        json.put("status", ok ? "ok" : "error");
        json.put("provider", "pve-lxc");
        json.put("providerStatus", providerStatus);
        json.put("latencyMs", clock.millis() - start);
        exchange.respond(HttpResponseStatus.OK, json);
    }
}
