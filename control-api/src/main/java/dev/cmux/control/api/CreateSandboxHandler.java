package dev.cmux.control.api;

import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.SandboxMetadata;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Duration;
import java.util.Set;

/**
 * {@code POST /v1/sandboxes} {@code {"cores":2,"memory":2048,"ttl":"2h","owner":"…","idlePolicy":"destroy"}}:
 * 202 with an operation, or with {@code ?wait=true} 201 with the running sandbox and its URLs.
 */
final class CreateSandboxHandler implements ApiHandler {

    static final Set<String> FIELDS = Set.of("cores", "memory", "ttl", "owner", "idlePolicy");

    private final ControlServices services;

    CreateSandboxHandler(ControlServices services) {
        this.services = services;
    }

    @Override
    public void handle(ApiExchange exchange) {
        CreateRequest request = parse(exchange.body());
        OperationReply.send(exchange, services.operations().submit("create", null,
                () -> services.sandboxes().create(request)), false, HttpResponseStatus.CREATED,
                services.metrics());
    }

    static CreateRequest parse(byte[] body) {
        StrictJson json = StrictJson.parse(body, FIELDS);
        Integer cores = json.integer("cores", 1, 8192);
        Integer memory = json.integer("memory", 16, 4 * 1024 * 1024);
        String ttlText = json.string("ttl", 32, false);
        Duration ttl = null;
        if (ttlText != null) {
            ttl = DurationText.parse(ttlText);
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                json.error("ttl", "must be a positive duration such as 90s, 30m, 2h, 1d or PT2H");
            }
        }
        String owner = json.string("owner", 200, false);
        String policy = json.oneOf("idlePolicy",
                Set.of(SandboxMetadata.DESTROY, SandboxMetadata.STOP, SandboxMetadata.KEEP));
        json.check();
        return new CreateRequest(cores, memory, ttl, owner, policy);
    }
}
