package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The endpoint of a part that is not configured: 503 with the sentence that says what to set. */
record Unavailable(String code, String message) implements ApiHandler {

    static Unavailable pve() {
        return new Unavailable("pve-not-configured", "Sandboxes need the Proxmox VE API: set PVE_API_URL and "
                + "PVE_API_TOKEN (and PVE_TEMPLATE_VMID to create).");
    }

    static Unavailable cloudflare() {
        return new Unavailable("cloudflare-not-configured", "The tunnel needs the Cloudflare API: set CF_API_TOKEN, "
                + "CF_ACCOUNT_ID and CF_DOMAIN.");
    }

    @Override
    public void handle(ApiExchange exchange) {
        exchange.fail(new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, code, message, null));
    }
}
