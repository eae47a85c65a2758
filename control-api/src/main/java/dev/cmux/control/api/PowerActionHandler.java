package dev.cmux.control.api;

import dev.cmux.control.sandbox.FirstTask;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.Sandbox;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /v1/sandboxes/{vmid}/{start|stop|shutdown|suspend|resume}}; waits unless {@code ?wait=false}.
 * {@code resume} brings the sandbox back from whatever state it is in (resumed, else started; running: as it is), as
 * cmux's "resume a task's sandbox" expects; the others are PVE's actions as they are, their task started before the
 * answer. Blocking: wrap in {@link OffLoop}.
 */
record PowerActionHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        String name = exchange.pathParam("action");
        PowerAction action = PowerAction.parse(name).orElseThrow(() -> new ApiError(HttpResponseStatus.NOT_FOUND,
                "not-found", "There is no action '" + name + "'; one of " + PowerAction.NAMES + ", exec.", null));
        int vmid = exchange.vmid();
        // a resume is a wake: its steps depend on what PVE says on the way, so it runs whole, known here only
        FirstTask<Sandbox> first = action == PowerAction.RESUME
                ? new FirstTask<>(vmid, null, () -> services.sandboxes().resume(vmid))
                : services.sandboxes().beginPower(vmid, action);
        OperationReply.send(exchange, services.parts().operations().submit(action.pveName(), first), true,
                HttpResponseStatus.OK, services.parts().metrics());
    }
}
