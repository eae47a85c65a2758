package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.Set;

/**
 * Snapshots of a sandbox: {@code GET|POST /v1/sandboxes/{vmid}/snapshots} ({@code {"name","description","vmstate"}};
 * {@code vmstate: true} keeps a running VM's RAM too),
 * {@code POST …/snapshots/{name}/rollback} (200 with the sandbox, running again if it ran; {@code ?wait=false} 202),
 * {@code DELETE …/snapshots/{name}}. PVE judges names: its refusals come back with its words.
 */
final class SnapshotsHandler {

    static final Set<String> FIELDS = Set.of("name", "description", "vmstate");

    private SnapshotsHandler() {
    }

    /** Blocking: wrap in {@link OffLoop}. */
    record List(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            exchange.respond(HttpResponseStatus.OK, Map.of("snapshots", services.images().snapshots()
                    .list(exchange.vmid()).stream().map(ImageViews::snapshot).toList()));
        }
    }

    /** Blocking: wrap in {@link OffLoop}. */
    record Create(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            int vmid = exchange.vmid();
            StrictJson json = StrictJson.parse(exchange.body(), FIELDS);
            String name = json.string("name", 40, true);
            String description = json.string("description", 8192, false);
            boolean vmstate = json.bool("vmstate");
            json.check();
            exchange.respond(HttpResponseStatus.CREATED, Map.of("snapshot",
                    ImageViews.snapshot(services.images().snapshots().create(vmid, name, description, vmstate))));
        }
    }

    /** Blocking (the rollback POST comes first): wrap in {@link OffLoop}. */
    record Rollback(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            int vmid = exchange.vmid();
            String name = exchange.pathParam("name");
            OperationReply.send(exchange, services.parts().operations().submit("rollback",
                    services.images().snapshots().beginRollback(vmid, name)), true, HttpResponseStatus.OK,
                    services.parts().metrics());
        }
    }

    /** Blocking: wrap in {@link OffLoop}. */
    record Delete(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            int vmid = exchange.vmid();
            String name = exchange.pathParam("name");
            services.images().snapshots().delete(vmid, name);
            exchange.respond(HttpResponseStatus.OK, Map.of("deleted", name));
        }
    }
}
