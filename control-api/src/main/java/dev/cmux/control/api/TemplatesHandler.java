package dev.cmux.control.api;

import dev.cmux.control.image.Preset;
import dev.cmux.control.sandbox.SandboxId;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/templates} {@code {"fromVmid":123,"preset":"4vcpu_6gb_32gb","version":3}}: a new preset version
 * from a sandbox, 202 with an operation (a full clone takes minutes), {@code ?wait=true} 201 when made;
 * {@code GET /v1/templates}; {@code DELETE /v1/templates/{vmid}}.
 */
final class TemplatesHandler {

    static final Set<String> FIELDS = Set.of("fromVmid", "preset", "version");

    private TemplatesHandler() {
    }

    /** Blocking (the sandbox's shutdown or the clone POST comes first): wrap in {@link OffLoop}. */
    record Create(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            StrictJson json = StrictJson.parse(exchange.body(), FIELDS);
            Integer from = json.requiredInteger("fromVmid", SandboxId.MIN, SandboxId.MAX);
            String preset = json.string("preset", 40, true);
            if (preset != null && !Preset.validId(preset)) {
                json.error("preset", "must be lower-case letters, digits, '_' and '-', e.g. 4vcpu_6gb_32gb");
            }
            Integer version = json.integer("version", 1, 999_999_999);
            json.check();
            OperationReply.send(exchange, services.parts().operations().submit("template",
                    services.images().templates().beginCreate(from, preset, version)), false,
                    HttpResponseStatus.CREATED, services.parts().metrics());
        }
    }

    /** Blocking: wrap in {@link OffLoop}. */
    record List(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            exchange.respond(HttpResponseStatus.OK, Map.of("templates",
                    services.images().templates().list().stream().map(ImageViews::template).toList()));
        }
    }

    /** Blocking: wrap in {@link OffLoop}. */
    record Delete(ControlServices services) implements ApiHandler {
        @Override
        public void handle(ApiExchange exchange) {
            int vmid = exchange.vmid();
            services.images().templates().delete(vmid);
            exchange.respond(HttpResponseStatus.OK, Map.of("deleted", vmid));
        }
    }
}
