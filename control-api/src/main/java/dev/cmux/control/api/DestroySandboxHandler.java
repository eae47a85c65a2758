package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code DELETE /v1/sandboxes/{vmid}}: stop when running, destroy with purge; waits unless {@code ?wait=false}. */
record DestroySandboxHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        int vmid = exchange.vmid();
        OperationReply.send(exchange, services.parts().operations().submit("destroy", vmid, () -> {
            services.sandboxes().destroy(vmid);
            return null;
        }), true, HttpResponseStatus.OK, services.parts().metrics());
    }
}
