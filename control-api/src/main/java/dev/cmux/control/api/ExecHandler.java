package dev.cmux.control.api;

import dev.cmux.control.exec.ExecEvent;
import dev.cmux.control.exec.ExecFailedException;
import dev.cmux.control.exec.ExecRequest;
import dev.cmux.control.exec.ExecResult;
import dev.cmux.control.exec.ExecTarget;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/sandboxes/{vmid}/exec} {@code {"command":"…","timeoutMs":30000,"stdin":"…"}}: the JSON result, or
 * with {@code Accept: application/x-ndjson} the events as they happen, then one {@code result} line. A VM runs it
 * through execd when that answers, else through its guest agent ({@code via: "agent"}); {@code stdin} is for VMs
 * only (the agent's {@code input-data}). Blocking: wrap in {@link OffLoop}.
 */
record ExecHandler(ControlServices services) implements ApiHandler {

    static final Set<String> FIELDS = Set.of("command", "timeoutMs", "stdin");
    /** PVE's limit of {@code input-data} (docs/pve-qemu.md §6). */
    static final int STDIN_MAX = 65536;

    @Override
    public void handle(ApiExchange exchange) {
        int vmid = exchange.vmid();
        StrictJson json = StrictJson.parse(exchange.body(), FIELDS);
        String command = json.string("command", 64 * 1024, true);
        Integer timeoutMs = json.integer("timeoutMs", 1, (int) ExecRequest.MAX_TIMEOUT.toMillis());
        String stdin = json.string("stdin", STDIN_MAX, false);
        json.check();
        ExecRequest request = new ExecRequest(command,
                timeoutMs == null ? ExecRequest.DEFAULT_TIMEOUT : Duration.ofMillis(timeoutMs), stdin);
        ExecTarget target = services.sandboxes().execTarget(vmid);
        if (stdin != null && !target.vm()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "stdin is taken by VMs only (through "
                    + "their guest agent); sandbox " + vmid + " is a container.", Map.of("stdin", "VMs only"));
        }
        String accept = exchange.header(HttpHeaderNames.ACCEPT);
        if (accept != null && accept.contains("application/x-ndjson")) {
            stream(exchange, target, request);
            return;
        }
        ExecResult result;
        try {
            result = services.parts().exec().exec(target, request, event -> { });
        } catch (RuntimeException e) {
            services.parts().metrics().exec("none", false);
            throw e;
        }
        services.parts().metrics().exec(result.via(), true);
        exchange.respond(HttpResponseStatus.OK, JsonViews.exec(result));
    }

    /** Once the 200 head is out, a failure can only be told in the stream: an {@code error} line, no result. */
    private void stream(ApiExchange exchange, ExecTarget target, ExecRequest request) {
        ApiExchange.NdjsonStream stream = exchange.startNdjson();
        try {
            ExecResult result = services.parts().exec().exec(target, request, event -> {
                if (!exchange.clientConnected()) {
                    throw new ExecFailedException("the client of the exec stream went away");
                }
                stream.write(event(event));
            });
            services.parts().metrics().exec(result.via(), true);
            Map<String, Object> last = new LinkedHashMap<>(JsonViews.exec(result));
            last.remove("stdout");
            last.remove("stderr");
            last.put("type", "result");
            stream.write(last);
        } catch (RuntimeException e) {
            services.parts().metrics().exec("none", false);
            ApiError error = ApiErrors.from(e);
            stream.write(Map.of("type", "error", "code", error.code(), "message", error.getMessage()));
        } finally {
            stream.end();
        }
    }

    private static Map<String, Object> event(ExecEvent e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", e.type());
        switch (e.type()) {
            case "exit" -> json.put("code", e.code());
            case "error" -> json.put("message", e.data());
            default -> json.put("data", e.data());
        }
        return json;
    }
}
