package dev.cmux.control.api;

import dev.cmux.control.image.ImageChoice;
import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.SandboxMetadata;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Duration;
import java.util.Set;

/**
 * {@code POST /v1/sandboxes} {@code {"preset":"4vcpu_6gb_32gb"|"snapshotId":"pvelxc_4vcpu_6gb_32gb_v1","cores":2,
 * "memory":2048,"ttl":"2h","owner":"…","idlePolicy":"destroy","idle":{"after":"30m","action":"suspend"}}}:
 * 202 with an operation, or with {@code ?wait=true} 201 with the running sandbox and its URLs.
 */
record CreateSandboxHandler(ControlServices services) implements ApiHandler {

    static final Set<String> FIELDS = Set.of("cores", "memory", "ttl", "owner", "idlePolicy", "idle", "preset",
            "snapshotId");
    static final Set<String> IDLE_FIELDS = Set.of("after", "action");

    @Override
    public void handle(ApiExchange exchange) {
        StrictJson json = StrictJson.parse(exchange.body(), FIELDS);
        ImageChoice image = new ImageChoice(json.string("preset", 40, false), json.string("snapshotId", 60, false));
        CreateRequest request = parse(json);
        OperationReply.send(exchange, services.parts().operations().submit("create", null,
                () -> services.images().sandboxes().create(image, request)), false, HttpResponseStatus.CREATED,
                services.parts().metrics());
    }

    static CreateRequest parse(StrictJson json) {
        Integer cores = json.integer("cores", 1, 8192);
        Integer memory = json.integer("memory", 16, 4 * 1024 * 1024);
        Duration ttl = positiveDuration(json, "ttl");
        String owner = json.string("owner", 200, false);
        String policy = json.oneOf("idlePolicy",
                Set.of(SandboxMetadata.DESTROY, SandboxMetadata.STOP, SandboxMetadata.KEEP));
        IdlePolicy idle = idle(json.object("idle", IDLE_FIELDS));
        json.check();
        return new CreateRequest(cores, memory, ttl, owner, policy, idle);
    }

    /** {@code "idle": {"after": "30m", "action": "suspend"}}; {@code "after": "0s"} turns idling off for it. */
    private static IdlePolicy idle(StrictJson json) {
        if (json == null) {
            return null;
        }
        String afterText = json.string("after", 32, true);
        Duration after = afterText == null ? null : DurationText.parse(afterText);
        if (afterText != null && (after == null || after.isNegative())) {
            json.error("after", "must be a duration such as 90s, 30m, 2h or PT30M (0s: never)");
        }
        String action = json.oneOf("action", IdlePolicy.ACTIONS);
        return after == null || after.isNegative() ? null : new IdlePolicy(after, action == null ? IdlePolicy.STOP : action);
    }

    private static Duration positiveDuration(StrictJson json, String field) {
        String text = json.string(field, 32, false);
        if (text == null) {
            return null;
        }
        Duration d = DurationText.parse(text);
        if (d == null || d.isNegative() || d.isZero()) {
            json.error(field, "must be a positive duration such as 90s, 30m, 2h, 1d or PT2H");
        }
        return d;
    }
}
