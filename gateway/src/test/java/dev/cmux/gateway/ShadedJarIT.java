package dev.cmux.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the shaded jar the way an operator does: {@code java -jar gateway/target/cmux-gateway.jar}. */
class ShadedJarIT {

    private static final Path JAR = Path.of("target", "cmux-gateway.jar");

    @Test
    @Timeout(90)
    void withNoArgumentsItListensOnLoopback8080AndServesTheHelpText() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar is built by 'mvn package': " + JAR.toAbsolutePath());
        long started = System.nanoTime();
        Process gateway = start(List.of());
        List<String> logLines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread reader = drain(gateway, logLines, listening);
        try {
            String line = listening.get(60, TimeUnit.SECONDS);
            long startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("start-up (process start to listening log line): " + startupMillis + " ms; " + line);
            assertTrue(line.contains("listening on 127.0.0.1:8080"), line);
            assertTrue(line.contains("control API on 127.0.0.1:8081"), line);
            JsonNode logLine = new ObjectMapper().readTree(line);
            assertEquals("INFO", logLine.path("level").asText(), "diagnostics are JSON lines for journald: " + line);

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode());
            assertEquals("no-route", response.headers().firstValue("X-Gateway-Error").orElse(null));
            assertTrue(response.body().contains("port-{port}-vm-{vmid}"), response.body());
            assertTrue(!response.body().contains("port--vm-"), response.body());

            // the warm-up ran beside the start and ended before the gateway listened, every shape answered, and it
            // left the listener's access log alone
            String warmed = logLines.stream().filter(l -> l.contains("warmed up the request path")).findFirst()
                    .orElseThrow(() -> new AssertionError("no warm-up line before listening; log: " + logLines));
            assertTrue(logLines.indexOf(warmed) < logLines.indexOf(line), logLines.toString());
            assertTrue(warmed.contains("{101=3, 200=90, 404=30, 502=3} by status"), warmed);
            assertTrue(logLines.stream().noneMatch(l -> l.contains("warm-up.invalid")),
                    "no access-log line of the warm-up: " + logLines);
        } finally {
            // SIGTERM; Process.destroy() would also close our end of its output, losing the last log lines
            gateway.toHandle().destroy();
            boolean exited = gateway.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                gateway.destroyForcibly();
            }
            reader.join(5000);
            assertTrue(exited, "the gateway stops within 30 s of SIGTERM; log: " + logLines);
        }
        assertEquals(0, gateway.exitValue(), "a SIGTERM stop is a clean stop; log: " + logLines);
        assertTrue(logLines.stream().anyMatch(l -> l.contains("stopped")), "log: " + logLines);
    }

    @Test
    @Timeout(60)
    void anInvalidConfigExitsNonZeroWithOneLinePerProblem() throws Exception {
        Path bad = Files.createTempFile("gateway", ".yaml");
        Files.writeString(bad, "listen: 127.0.0.1:99999\ntimeouts:\n  connect: soon\n");
        try {
            for (String command : List.of("run", "validate")) {
                Process p = start(List.of(command, "--config", bad.toString()));
                List<String> lines = new CopyOnWriteArrayList<>();
                Thread reader = drain(p, lines, new CompletableFuture<>());
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " ends by itself");
                reader.join(5000);
                assertEquals(2, p.exitValue(), command + ": " + lines);
                assertTrue(lines.stream().anyMatch(l -> l.contains("listen")), command + ": " + lines);
                assertTrue(lines.stream().anyMatch(l -> l.contains("timeouts.connect")), command + ": " + lines);
            }
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    private static Process start(List<String> args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // built-in defaults means no overrides from the environment this test happens to run in
        env.keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("PVE_") || k.startsWith("CF_"));
        return builder.start();
    }

    private static Thread drain(Process p, List<String> lines, CompletableFuture<String> listening) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (line.contains("listening on")) {
                        listening.complete(line);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IllegalStateException("the process ended; output: " + lines));
        }, "gateway-output");
        t.setDaemon(true);
        t.start();
        assertNotNull(t);
        return t;
    }
}
