package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Set;

/** {@code POST /v1/sandboxes/{vmid}/{start|stop|shutdown|suspend|resume}}; waits unless {@code ?wait=false}. */
final class PowerActionHandler implements ApiHandler {

    static final Set<String> ACTIONS = Set.of("start", "stop", "shutdown", "suspend", "resume");

    private final ControlServices services;

    PowerActionHandler(ControlServices services) {
        this.services = services;
    }

    @Override
    public void handle(ApiExchange exchange) {
        String action = exchange.pathParam("action");
        if (!ACTIONS.contains(action)) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "There is no action '" + action
                    + "'; one of start, stop, shutdown, suspend, resume, exec.", null);
        }
        int vmid = Vmid.of(exchange);
        OperationReply.send(exchange, services.operations().submit(action, vmid,
                () -> services.sandboxes().power(vmid, action)), true, HttpResponseStatus.OK,
                services.metrics());
    }
}
