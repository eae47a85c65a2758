package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code PATCH /v1/sandboxes/{vmid}} with lifecycle fields ({@link LifecycleFields}), e.g. {@code {"protected":true}}
 * or {@code {"ttl":"4h","autoDelete":null}}: rewrites the sandbox's metadata in PVE and answers 200 with the sandbox
 * and its new {@code nextAction}. Blocking: wrap in {@link OffLoop}.
 */
record UpdateSandboxHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        StrictJson json = StrictJson.parse(exchange.body(), LifecycleFields.FIELDS);
        LifecycleFields fields = LifecycleFields.read(json);
        json.check();
        if (fields.given().isEmpty()) {
            throw ApiError.badRequest("nothing-to-change", "Give at least one of " + String.join(", ",
                    LifecycleFields.FIELDS.stream().sorted().toList()) + ".", null);
        }
        exchange.respond(HttpResponseStatus.OK, JsonViews.sandbox(
                services.sandboxes().updateMetadata(exchange.vmid(), fields::applyTo), services));
    }
}
