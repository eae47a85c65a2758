package dev.cmux.control.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The control API as the sandbox commands call it: bearer token, JSON both ways, the API's own error on failure. */
public final class ControlApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param baseUrl e.g. {@code http://127.0.0.1:8081}
     * @param token   the API's bearer token; null or empty when it has none
     */
    public ControlApiClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    String baseUrl() {
        return baseUrl;
    }

    /**
     * {@code POST /v1/reload}: the running gateway reads its config file again. A {@link
     * dev.cmux.control.cloudflare.GatewayReload} for {@code tunnel setup}: no gateway running is no failure, it
     * reads the file when it starts.
     */
    public String reloadGateway() {
        try {
            Reply r = call("POST", "/v1/reload", null, Duration.ofSeconds(30));
            if (r.ok()) {
                return "the gateway at " + baseUrl + " reloaded its config.";
            }
            JsonNode e = r.json.path("error");
            return "the gateway at " + baseUrl + " did not reload (" + r.status + " " + e.path("code").asText("")
                    + ": " + e.path("message").asText("") + "); run systemctl reload cmux-gateway.";
        } catch (IOException e) {
            return "no gateway answers at " + baseUrl + "; it reads the Access settings when it starts.";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "the reload was interrupted; run systemctl reload cmux-gateway.";
        }
    }

    /** One request; a body that is not JSON reads as an empty object, so the status still tells what happened. */
    Reply call(String method, String path, String jsonBody, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("Accept", "application/json");
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new Reply(r.statusCode(), json);
    }

    record Reply(int status, JsonNode json) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** 0, or 1 after printing the API's error as {@code error STATUS CODE: MESSAGE}. */
        int exit(PrintWriter err) {
            if (ok()) {
                return 0;
            }
            JsonNode e = json.path("error");
            err.println("error " + status + " " + e.path("code").asText("") + ": " + e.path("message").asText(""));
            return 1;
        }
    }
}
