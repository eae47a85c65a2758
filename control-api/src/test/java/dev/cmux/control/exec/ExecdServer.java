package dev.cmux.control.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A cmux-execd on loopback that behaves as cmux.md §2 describes the real one: {@code GET /healthz}, {@code POST
 * /exec} with {@code {"command","timeout_ms"}}, the command run by {@code /bin/bash -c}, one JSON line per output
 * line (empty lines dropped), {@code exit} last, 124 after a timeout. {@link #dropExitEvent} makes it end a stream
 * early, as a crashed or cut-off execd does. With {@link #requireToken} it checks the token as cmux's execd does
 * since c8584bd5f (cmux.md §2.1): no token file, no check; else {@code Authorization: Bearer <t>} (or the raw token)
 * must match, or 401 {@code {"error":"Unauthorized"}}.
 */
public final class ExecdServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean dropExitEvent;
    private volatile boolean stall;
    /** The token file of the sandbox execd runs in, read per request as execd reads it; empty: no file. */
    private volatile Supplier<Optional<String>> tokenFile = Optional::empty;
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

    private ExecdServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-execd");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", this::health);
        server.createContext("/exec", this::exec);
        server.start();
    }

    public static ExecdServer start() {
        return start(0);
    }

    /**
     * On {@code port} of 127.0.0.1: {@link dev.cmux.control.sandbox.SandboxSettings#EXECD_PORT} where a gateway
     * process, whose execd port is not configurable, must find it.
     */
    public static ExecdServer start(int port) {
        try {
            return new ExecdServer(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " as execd: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Commands received, in order: a test of "never retried" counts them. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public void dropExitEvent(boolean drop) {
        dropExitEvent = drop;
    }

    /** Checks every exec against the token {@code tokenFile} holds at that moment (empty: no file, no check). */
    public void requireToken(Supplier<Optional<String>> tokenFile) {
        this.tokenFile = tokenFile;
    }

    /** The {@code Authorization} header of every exec received, in order ("" when absent). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** Takes commands and never answers, as an execd whose command hangs before printing anything. */
    public void stall(boolean stall) {
        this.stall = stall;
    }

    private void health(HttpExchange ex) throws IOException {
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, ok.length);
        ex.getResponseBody().write(ok);
        ex.close();
    }

    private void exec(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.sendResponseHeaders(405, -1);
            ex.close();
            return;
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.contains("application/json")) {
            ex.sendResponseHeaders(415, -1);
            ex.close();
            return;
        }
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "" : authorization);
        Optional<String> token = tokenFile.get();
        if (token.isPresent() && !(("Bearer " + token.get()).equals(authorization)
                || token.get().equals(authorization))) {
            byte[] msg = "{\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(401, msg.length);
            ex.getResponseBody().write(msg);
            ex.close();
            return;
        }
        JsonNode request = JSON.readTree(ex.getRequestBody().readNBytes(1 << 20));
        String command = request.path("command").asText("");
        long timeoutMs = request.path("timeout_ms").asLong(0);
        if (command.isBlank()) {
            byte[] msg = "Command is required".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(400, msg.length);
            ex.getResponseBody().write(msg);
            ex.close();
            return;
        }
        commands.add(command);
        if (stall) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/jsonlines");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        Process p = new ProcessBuilder("/bin/bash", "-c", command).start();
        p.getOutputStream().close();
        Thread o = pump(p.getInputStream(), "stdout", out);
        Thread e = pump(p.getErrorStream(), "stderr", out);
        int code;
        try {
            if (timeoutMs > 0 && !p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                event(out, Map.of("type", "error", "message", "timeout after " + timeoutMs + "ms"));
                code = 124;
            } else {
                code = p.waitFor();
            }
            o.join();
            e.join();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            code = 1;
        }
        if (!dropExitEvent) {
            event(out, Map.of("type", "exit", "code", code));
        }
        ex.close();
    }

    private static Thread pump(InputStream in, String type, OutputStream out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isEmpty()) {
                        event(out, Map.of("type", type, "data", line));
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.start();
        return t;
    }

    private static void event(OutputStream out, Map<String, Object> event) {
        try {
            byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                out.write(line);
                out.flush();
            }
        } catch (IOException ignored) {
            // client went away
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
