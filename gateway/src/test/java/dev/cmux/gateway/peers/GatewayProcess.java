package dev.cmux.gateway.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway as an operator runs it: {@code java -jar target/cmux-gateway.jar --config gateway.yaml}, with the
 * domain {@value #DOMAIN} and sandbox {@value #VMID} at 127.0.0.1 (allowed as a backend network for the test).
 * Its standard output is the access log, one JSON line per request; its log lines (standard error) are merged in.
 */
final class GatewayProcess implements AutoCloseable {

    static final String DOMAIN = "sandbox.test";
    static final int VMID = 200;
    private static final Path JAR = Path.of("target", "cmux-gateway.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PeerProcess process;
    private final int port;

    private GatewayProcess(PeerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static GatewayProcess start(Path artifacts) throws Exception {
        return start(artifacts, "");
    }

    /** @param moreYaml top-level config sections appended to the file, e.g. {@code pve:} and {@code wake:} */
    static GatewayProcess start(Path artifacts, String moreYaml) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar is built by 'mvn package': " + JAR.toAbsolutePath());
        Files.createDirectories(artifacts);
        // a free port is picked before the gateway binds it; on the rare race, try again with other ports
        for (int attempt = 1; ; attempt++) {
            int port = FreePort.pick();
            Path config = artifacts.resolve("gateway.yaml");
            Files.writeString(config, """
                    listen: 127.0.0.1:%d
                    domain: %s
                    routing: { suffix: "" }
                    resolver:
                      static: { "%d": 127.0.0.1 }
                      allowedNetworks: [127.0.0.1/32]
                    control:
                      listen: 127.0.0.1:%d
                    """.formatted(port, DOMAIN, VMID, FreePort.pick()) + moreYaml);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            PeerProcess gateway = PeerProcess.start("gateway", artifacts, List.of(java, "-Xmx512m",
                    "-Dio.netty.leakDetection.level=paranoid", "-jar", JAR.toString(), "--config", config.toString()));
            try {
                gateway.awaitLine(line -> line.contains("listening on 127.0.0.1:" + port), Duration.ofSeconds(60));
                return new GatewayProcess(gateway, port);
            } catch (AssertionError e) {
                gateway.close();
                if (attempt == 3 || !gateway.outputText().contains("cannot listen")) {
                    throw e;
                }
            }
        }
    }

    int port() {
        return port;
    }

    /** {@code port-<sandboxPort>-vm-200.sandbox.test}, the name cloudflared would send as Host. */
    static String sandboxHost(int sandboxPort) {
        return "port-" + sandboxPort + "-vm-" + VMID + "." + DOMAIN;
    }

    /** The sandbox's URL through this gateway; the host name is real, peers map *.sandbox.test to loopback. */
    URI sandboxUrl(int sandboxPort, String pathAndQuery) {
        return URI.create("http://" + sandboxHost(sandboxPort) + ":" + port + pathAndQuery);
    }

    /** Every access-log line so far, parsed. */
    List<JsonNode> accessLog() {
        List<JsonNode> entries = new ArrayList<>();
        for (String line : process.output()) {
            if (line.startsWith("{\"ts\":")) { // access-log lines; diagnostics are JSON with "level"
                try {
                    entries.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("an access-log line is not JSON: " + line, e);
                }
            }
        }
        return entries;
    }

    /**
     * The access-log entries from index {@code from} on that {@code filter} keeps, as soon as {@code complete} accepts
     * them. An entry is written when its exchange ends, a moment after the client saw the end (an upgraded
     * connection: when it closes), so this waits up to 20 s; then it fails, saying {@code what} was expected.
     */
    List<JsonNode> awaitAccessLog(int from, Predicate<JsonNode> filter, Predicate<List<JsonNode>> complete,
                                  String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<JsonNode> all = accessLog();
            List<JsonNode> entries = all.subList(Math.min(from, all.size()), all.size()).stream().filter(filter).toList();
            if (complete.test(entries)) {
                return entries;
            }
            if (System.nanoTime() > deadline) {
                return fail("the access log should show " + what + "; it has " + entries);
            }
            Thread.sleep(50);
        }
    }

    List<String> output() {
        return process.output();
    }

    /** Stops the gateway with SIGTERM and checks that it stopped cleanly and that Netty reported no leak. */
    @Override
    public void close() {
        process.close();
        List<String> leaks = process.output().stream().filter(l -> l.contains("LEAK:")).toList();
        if (!leaks.isEmpty()) {
            fail("the gateway reported Netty leaks (see gateway.log):\n" + String.join("\n", leaks));
        }
        assertEquals(0, process.exitValue(), "a SIGTERM stop is a clean stop; output:\n" + process.outputText());
    }
}
