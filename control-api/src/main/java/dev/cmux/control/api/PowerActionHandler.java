package dev.cmux.control.api;

import dev.cmux.control.sandbox.PowerAction;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /v1/sandboxes/{vmid}/{start|stop|shutdown|suspend|resume}}; waits unless {@code ?wait=false}.
 * {@code resume} brings the sandbox back from whatever state it is in (resumed, else started; running: as it is), as
 * cmux's "resume a task's sandbox" expects; the others are PVE's actions as they are.
 */
record PowerActionHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        String name = exchange.pathParam("action");
        PowerAction action = PowerAction.parse(name).orElseThrow(() -> new ApiError(HttpResponseStatus.NOT_FOUND,
                "not-found", "There is no action '" + name + "'; one of " + PowerAction.NAMES + ", exec.", null));
        int vmid = exchange.vmid();
        OperationReply.send(exchange, services.parts().operations().submit(action.pveName(), vmid,
                action == PowerAction.RESUME ? () -> services.sandboxes().resume(vmid)
                        : () -> services.sandboxes().power(vmid, action)), true, HttpResponseStatus.OK,
                services.parts().metrics());
    }
}
