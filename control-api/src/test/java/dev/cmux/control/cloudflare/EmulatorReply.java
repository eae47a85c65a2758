package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** An HTTP answer in Cloudflare's envelope. */
record EmulatorReply(int status, ObjectNode body, Map<String, String> headers) {

    static final ObjectMapper JSON = new ObjectMapper();

    static EmulatorReply ok(JsonNode result) {
        ObjectNode body = envelope(true);
        body.set("result", result);
        return new EmulatorReply(200, body, Map.of());
    }

    /** One page of a list, with {@code result_info} as real list endpoints send it. */
    static EmulatorReply page(List<? extends JsonNode> all, int page, int perPage) {
        ObjectNode body = envelope(true);
        ArrayNode result = body.putArray("result");
        int from = Math.min(all.size(), (page - 1) * perPage);
        int to = Math.min(all.size(), from + perPage);
        all.subList(from, to).forEach(result::add);
        body.putObject("result_info")
                .put("page", page).put("per_page", perPage).put("count", to - from)
                .put("total_count", all.size())
                .put("total_pages", Math.max(1, (all.size() + perPage - 1) / perPage));
        return new EmulatorReply(200, body, Map.of());
    }

    static EmulatorReply fail(int status, int code, String message) {
        ObjectNode body = envelope(false);
        body.withArray("errors").addObject().put("code", code).put("message", message);
        body.putNull("result");
        return new EmulatorReply(status, body, Map.of());
    }

    static EmulatorReply failChained(int status, int code, String message, int chainedCode, String chainedMessage) {
        EmulatorReply reply = fail(status, code, message);
        ((ObjectNode) reply.body.withArray("errors").get(0)).putArray("error_chain").addObject()
                .put("code", chainedCode).put("message", chainedMessage);
        return reply;
    }

    static EmulatorReply noRoute(String path) {
        ObjectNode body = envelope(false);
        body.withArray("errors").addObject().put("code", 7003)
                .put("message", "Could not route to /client/v4" + path + ", perhaps your object identifier is invalid?");
        body.withArray("errors").addObject().put("code", 7000).put("message", "No route for that URI");
        body.putNull("result");
        return new EmulatorReply(404, body, Map.of());
    }

    /** The same answer with another status, e.g. 201 for Access creates and 202 for Access deletes (cloudflare.md §10.7). */
    EmulatorReply withStatus(int other) {
        return new EmulatorReply(other, body, headers);
    }

    EmulatorReply withHeader(String name, String value) {
        return new EmulatorReply(status, body, Map.of(name, value));
    }

    private static ObjectNode envelope(boolean success) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", success);
        body.putArray("errors");
        body.putArray("messages");
        return body;
    }
}
