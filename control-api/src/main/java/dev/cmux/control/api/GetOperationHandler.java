package dev.cmux.control.api;

import dev.cmux.control.sandbox.Operation;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** {@code GET /v1/operations/{id}}: operations live in the gateway that accepted them, for an hour after. */
record GetOperationHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        String id = exchange.pathParam("id");
        Operation operation = services.parts().operations().get(id).orElseThrow(() -> new ApiError(
                HttpResponseStatus.NOT_FOUND, "unknown-operation",
                "There is no operation " + id + " on this gateway (they are kept for an hour).", null));
        exchange.respond(HttpResponseStatus.OK, Map.of("operation", JsonViews.operation(operation)));
    }
}
