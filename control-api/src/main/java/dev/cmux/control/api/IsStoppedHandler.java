package dev.cmux.control.api;

import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxException;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/sandboxes/{vmid}/is-stopped}: {@code {vmid, status, stopped, deleted}}, the answer cmux's
 * {@code is-stopped} route gives its dashboard. A sandbox that no longer exists is stopped and deleted (200, not 404:
 * that is the answer, not an error); anything but {@code running} counts as stopped. Blocking: wrap in {@link OffLoop}.
 */
record IsStoppedHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        int vmid = exchange.vmid();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("vmid", vmid);
        try {
            Sandbox s = services.sandboxes().get(vmid);
            json.put("status", s.status());
            json.put("stopped", !"running".equals(s.status()));
            json.put("deleted", false);
        } catch (SandboxException e) {
            if (e.kind() != SandboxException.Kind.NOT_FOUND) {
                throw e;
            }
            json.put("status", null);
            json.put("stopped", true);
            json.put("deleted", true);
        }
        exchange.respond(HttpResponseStatus.OK, json);
    }
}
