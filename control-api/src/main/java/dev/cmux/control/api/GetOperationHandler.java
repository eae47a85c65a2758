package dev.cmux.control.api;

import dev.cmux.control.sandbox.Operation;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/**
 * {@code GET /v1/operations/{id}} on any gateway: the one that ran it answers exactly for an hour after it ended;
 * any other (or it, after a restart) reads it back from PVE, since the id names its first task. Blocking: wrap in
 * {@link OffLoop}.
 */
record GetOperationHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        String id = exchange.pathParam("id");
        Operation operation = services.parts().operations().get(id).orElseThrow(() -> new ApiError(
                HttpResponseStatus.NOT_FOUND, "unknown-operation",
                "There is no operation " + id + ": it is not an id the control API makes, or PVE knows no "
                        + "such task (PVE keeps its task history).", null));
        exchange.respond(HttpResponseStatus.OK, Map.of("operation", JsonViews.operation(operation)));
    }
}
