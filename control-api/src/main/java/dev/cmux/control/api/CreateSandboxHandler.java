package dev.cmux.control.api;

import dev.cmux.control.image.ImageChoice;
import dev.cmux.control.sandbox.CreateRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code POST /v1/sandboxes} {@code {"preset":"4vcpu_6gb_32gb"|"snapshotId":"pvelxc_4vcpu_6gb_32gb_v1","cores":2,
 * "memory":2048,"owner":"…"}} plus the lifecycle's fields ({@link LifecycleFields}: {@code ttl, idlePolicy,
 * autoStop, autoDelete, protected}):
 * 202 with an operation (its vmid and URLs known: the clone task runs), or with {@code ?wait=true} 201 with the
 * running sandbox and its URLs. Blocking (the vmid and the clone POST come first): wrap in {@link OffLoop}.
 */
record CreateSandboxHandler(ControlServices services) implements ApiHandler {

    static final Set<String> FIELDS = fields();

    @Override
    public void handle(ApiExchange exchange) {
        StrictJson json = StrictJson.parse(exchange.body(), FIELDS);
        ImageChoice image = new ImageChoice(json.string("preset", 40, false), json.string("snapshotId", 60, false));
        CreateRequest request = parse(json);
        OperationReply.send(exchange, services.parts().operations().submit("create",
                services.images().sandboxes().beginCreate(image, request)), false, HttpResponseStatus.CREATED,
                services.parts().metrics());
    }

    private static Set<String> fields() {
        Set<String> fields = new HashSet<>(Set.of("cores", "memory", "owner", "preset", "snapshotId"));
        fields.addAll(LifecycleFields.FIELDS);
        return Set.copyOf(fields);
    }

    static CreateRequest parse(StrictJson json) {
        Integer cores = json.integer("cores", 1, 8192);
        Integer memory = json.integer("memory", 16, 4 * 1024 * 1024);
        String owner = json.string("owner", 200, false);
        LifecycleFields lifecycle = LifecycleFields.read(json);
        json.check();
        return new CreateRequest(cores, memory, lifecycle.ttl(), owner, lifecycle.idlePolicy(), lifecycle.autoStop(),
                lifecycle.autoDelete(), lifecycle.protect());
    }
}
