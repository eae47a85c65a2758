package dev.cmux.gateway.peers;

import dev.cmux.control.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Chrome DevTools Protocol session with one page, over {@link java.net.http.WebSocket}: commands go out as
 * {@code {"id","method","params"}} and wait for the answer with the same id; events are ignored.
 */
final class DevToolsSession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WebSocket socket;

    private DevToolsSession(URI page) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(page, new Listener()).join();
    }

    static DevToolsSession connect(URI page) {
        return new DevToolsSession(page);
    }

    /** Sends one command and returns its {@code result}; a protocol error or time-out fails the test. */
    synchronized JsonNode call(String method, Map<String, ?> params, Duration timeout) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
        JsonNode message;
        try {
            message = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("DevTools " + method + " did not answer within " + timeout.toSeconds() + " s");
        } finally {
            pending.remove(id);
        }
        if (message.has("error")) {
            return fail("DevTools " + method + " failed: " + message.get("error"));
        }
        return message.get("result");
    }

    /** Opens {@code url} in the page and waits until it has loaded. */
    void navigate(URI url, Duration timeout) throws Exception {
        JsonNode result = call("Page.navigate", Map.of("url", url.toString()), timeout);
        if (result.hasNonNull("errorText")) {
            fail("the browser could not open " + url + ": " + result.get("errorText").asText());
        }
        String loaded = "document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(
                url.toString());
        Await.until(() -> {
            try {
                return evaluate(loaded, timeout).asBoolean();
            } catch (AssertionError e) {
                return false; // the old document went away while we asked; ask the new one
            }
        }, timeout, url + " finished loading");
    }

    /**
     * Evaluates a JavaScript expression in the page; a promise is awaited. Returns its value as JSON; a thrown
     * error or a rejected promise fails the test with its message.
     */
    JsonNode evaluate(String expression, Duration timeout) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true), timeout);
        if (result.has("exceptionDetails")) {
            JsonNode details = result.get("exceptionDetails");
            fail("the page threw: " + details.path("exception").path("description").asText(details.toString()));
        }
        return result.path("result").path("value");
    }

    /** A PNG of what the page shows. */
    byte[] screenshot() throws Exception {
        JsonNode result = call("Page.captureScreenshot", Map.of("format", "png"), Duration.ofSeconds(30));
        return Base64.getDecoder().decode(result.get("data").asText());
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                try {
                    JsonNode json = JSON.readTree(text);
                    CompletableFuture<JsonNode> answer = json.has("id") ? pending.get(json.get("id").asInt()) : null;
                    if (answer != null) {
                        answer.complete(json);
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
