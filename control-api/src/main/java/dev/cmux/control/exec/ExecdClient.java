package dev.cmux.control.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;

/**
 * Client of cmux-execd inside a container ({@code POST http://<addr>:39375/exec}, JSON lines back, cmux.md §2).
 * The stream must end with an {@code exit} event: a stream cut short is a failure, never a success with exit 0,
 * and nothing is retried once the request was sent.
 */
public final class ExecdClient {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** execd kills the command at its timeout and then sends {@code exit 124}; allow that much longer. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final OkHttpClient http;
    private final int port;
    private final Duration grace;

    public ExecdClient(int port) {
        this(port, GRACE);
    }

    /** {@code grace}: how long past the command's timeout to wait for execd's own {@code exit 124}. */
    ExecdClient(int port, Duration grace) {
        // no retries: a resent exec runs the command twice
        this.http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(3)).retryOnConnectionFailure(false)
                .build();
        this.port = port;
        this.grace = grace;
    }

    /** True when {@code GET /healthz} answers 200. */
    public boolean healthy(String address) {
        Request request = new Request.Builder().url(base(address) + "/healthz").get().build();
        try (Response response = http.newBuilder().callTimeout(Duration.ofSeconds(3)).build()
                .newCall(request).execute()) {
            return response.code() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code command} with {@code /bin/bash -c}, with the sandbox's token when it has one. Throws
     * {@link ExecdUnavailableException} when execd did not accept the command (so another way may be tried),
     * {@link ExecdRefusedException} when it refused the token and {@link ExecFailedException} when the command's
     * outcome is unknown.
     */
    ExecResult exec(String address, Optional<ExecdToken> token, ExecRequest exec, OutputCollector output)
            throws ExecdUnavailableException {
        long start = System.nanoTime();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", exec.command());
        body.put("timeout_ms", exec.timeout().toMillis());
        Request request;
        try {
            Request.Builder builder = new Request.Builder().url(base(address) + "/exec")
                    .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE));
            token.ifPresent(t -> builder.header("Authorization", t.authorization()));
            request = builder.build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Duration limit = exec.timeout().plus(grace);
        OkHttpClient call = http.newBuilder().readTimeout(limit).callTimeout(limit).build();
        Response response;
        try {
            response = call.newCall(request).execute();
        } catch (InterruptedIOException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
                // OkHttp reports a connect timeout this way; nothing was sent, so another way may be tried
                throw new ExecdUnavailableException("execd at " + address + ":" + port + " unreachable: "
                        + e.getMessage(), e);
            }
            throw new ExecFailedException("execd did not answer within " + limit.toSeconds()
                    + " s; the command may have run and is not retried", e);
        } catch (IOException e) {
            throw new ExecdUnavailableException("execd at " + address + ":" + port + " unreachable: "
                    + e.getMessage(), e);
        }
        try (response) {
            if (response.code() == 401) {
                throw new ExecdRefusedException("cmux-execd at " + address + ":" + port + " refused "
                        + (token.isPresent() ? "the sandbox's token (401): it does not match the token execd read "
                        + "at boot; restart the sandbox so execd reads the one in its PVE config"
                        : "the command (401): it wants a token, and this sandbox has none in its PVE config"));
            }
            if (response.code() != 200) {
                throw new ExecdUnavailableException("execd at " + address + ":" + port + " answered "
                        + response.code() + " " + response.message(), null);
            }
            BufferedSource source = response.body().source();
            String line;
            while ((line = source.readUtf8Line()) != null) {
                if (!line.isBlank()) {
                    output.onEvent(parse(line));
                }
            }
        } catch (InterruptedIOException e) {
            throw new ExecFailedException("execd went silent for " + limit.toSeconds()
                    + " s; the command may still run and is not retried", e);
        } catch (IOException e) {
            throw new ExecFailedException("the execd stream broke off: " + e.getMessage(), e);
        }
        if (!output.exited()) {
            throw new ExecFailedException("the execd stream ended without an exit event; the command's outcome "
                    + "is unknown");
        }
        return output.result("execd", start);
    }

    private static ExecEvent parse(String line) throws IOException {
        JsonNode event = JSON.readTree(line);
        String type = event.path("type").asText();
        return switch (type) {
            case "stdout" -> ExecEvent.stdout(event.path("data").asText());
            case "stderr" -> ExecEvent.stderr(event.path("data").asText());
            case "error" -> ExecEvent.error(event.path("message").asText());
            case "exit" -> ExecEvent.exit(event.path("code").asInt(-1));
            default -> new ExecEvent(type, line, null);
        };
    }

    private String base(String address) {
        String host = address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + port;
    }
}
