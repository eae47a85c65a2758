package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code DELETE /v1/sandboxes/{vmid}}: stop when running, destroy with purge; waits unless {@code ?wait=false}. With
 * {@code ?orphan=true} the same for an orphan (a container named like a sandbox without metadata), and nothing else.
 * Blocking (the stop or destroy POST comes first): wrap in {@link OffLoop}.
 */
record DestroySandboxHandler(ControlServices services) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) {
        int vmid = exchange.vmid();
        boolean orphan = "true".equals(exchange.queryParam("orphan"));
        OperationReply.send(exchange, services.parts().operations().submit("destroy", orphan
                        ? services.sandboxes().beginDestroyOrphan(vmid) : services.sandboxes().beginDestroy(vmid)),
                true, HttpResponseStatus.OK, services.parts().metrics());
    }
}
