package dev.cmux.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.testing.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway as an operator runs it, {@code java -jar target/cmux-gateway.jar ...}: a command run to its end
 * ({@link #run}), or the gateway serving ({@link #start}) until {@link #close()} stops it with SIGTERM and checks
 * that it stopped cleanly and that Netty (at PARANOID) reported no leak. Its standard output is the access log, one
 * JSON line per request; its log lines (standard error) are merged in and kept in {@code gateway.log}.
 */
public final class GatewayJar implements AutoCloseable {

    public static final Path JAR = Path.of("target", "cmux-gateway.jar");
    /** The domain of {@link #start(Path, String)}; its sandbox {@value #VMID} is at 127.0.0.1. */
    public static final String DOMAIN = "sandbox.test";
    public static final int VMID = 200;
    private static final Path COMMANDS = Path.of("target", "jar-commands");
    private static final AtomicInteger COMMAND_RUNS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A command's exit code and its output, standard error merged in. */
    public record Finished(int exitCode, String output) {
    }

    private final PeerProcess process;
    private final int port;
    private int controlPort = -1;

    private GatewayJar(PeerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Runs {@code java -jar target/cmux-gateway.jar ARGS} to its end, as an operator's shell would. */
    public static Finished run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(java());
        command.addAll(List.of(args));
        PeerProcess p = PeerProcess.start("command-" + COMMAND_RUNS.incrementAndGet(), COMMANDS, command, env, null);
        int exit = p.awaitExit(Duration.ofSeconds(60));
        List<String> lines = p.output();
        return new Finished(exit, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    /** {@code run --config FILE} with {@code env}, once it logs where it listens; its log is next to the file. */
    public static GatewayJar start(Path config, Map<String, String> env) throws Exception {
        return start(config, env, -1);
    }

    /**
     * A gateway for the domain {@value #DOMAIN} whose sandbox {@value #VMID} is at 127.0.0.1 (allowed as a backend
     * network for the test).
     *
     * @param moreYaml top-level config sections appended to the file, e.g. {@code pve:} and {@code wake:}
     */
    public static GatewayJar start(Path artifacts, String moreYaml) throws Exception {
        return start(artifacts, moreYaml, Map.of());
    }

    /** {@link #start(Path, String)} with {@code env} set for the gateway, e.g. {@code GATEWAY_CONTROL_TOKEN}. */
    public static GatewayJar start(Path artifacts, String moreYaml, Map<String, String> env) throws Exception {
        Files.createDirectories(artifacts);
        // a free port is picked before the gateway binds it; on the rare race, try again with other ports
        for (int attempt = 1; ; attempt++) {
            int port = RoutablePorts.pick();
            int control = RoutablePorts.pick();
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
                    """.formatted(port, DOMAIN, VMID, control) + moreYaml);
            try {
                GatewayJar gateway = start(config, env, port);
                gateway.controlPort = control;
                return gateway;
            } catch (AssertionError e) {
                if (attempt == 3 || !e.getMessage().contains("cannot listen")) {
                    throw e;
                }
            }
        }
    }

    public static GatewayJar start(Path artifacts) throws Exception {
        return start(artifacts, "");
    }

    private static GatewayJar start(Path config, Map<String, String> env, int port) throws Exception {
        List<String> command = new ArrayList<>(java());
        command.addAll(List.of("run", "--config", config.toString()));
        PeerProcess gateway = PeerProcess.start("gateway", config.toAbsolutePath().getParent(), command, env, null);
        try {
            gateway.awaitLine(line -> line.contains("listening on 127.0.0.1:"
                    + (port < 0 ? "" : port)), Duration.ofSeconds(60));
            return new GatewayJar(gateway, port);
        } catch (AssertionError | Exception e) {
            gateway.close();
            throw e;
        }
    }

    private static List<String> java() {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar is built by 'mvn package': " + JAR.toAbsolutePath());
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dio.netty.leakDetection.level=paranoid", "-jar", JAR.toString());
    }

    /** The data plane's port of {@link #start(Path, String)}. */
    public int port() {
        return port;
    }

    /** The {@code pve:} section that points a gateway at {@code pve}; more keys of it may follow, indented. */
    public static String pveSection(PveEmulator pve) {
        return "pve:\n  apiUrl: " + pve.url() + "\n  apiToken: \"" + PveEmulator.TOKEN + "\"\n  node: " + pve.node()
                + "\n"
                + "  tlsFingerprint: \"" + pve.fingerprint() + "\"\n";
    }

    /** The control API's port of {@link #start(Path, String)}. */
    public int controlPort() {
        return controlPort;
    }

    /** {@code port-<sandboxPort>-vm-200.sandbox.test}, the name cloudflared would send as Host. */
    public static String sandboxHost(int sandboxPort) {
        return "port-" + sandboxPort + "-vm-" + VMID + "." + DOMAIN;
    }

    /** The sandbox's URL through this gateway; the host name is real, peers map *.sandbox.test to loopback. */
    public URI sandboxUrl(int sandboxPort, String pathAndQuery) {
        return URI.create("http://" + sandboxHost(sandboxPort) + ":" + port + pathAndQuery);
    }

    /** Every line it printed so far: diagnostics and access log, JSON each. */
    public List<String> output() {
        return process.output();
    }

    /** The index of the first output line from {@code from} on that contains {@code text}, waiting up to 60 s. */
    public int awaitLine(int from, String text) throws Exception {
        int[] at = {-1};
        Await.until(() -> {
            List<String> lines = output();
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    at[0] = i;
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(60), () -> "the gateway should log '" + text + "' (from line " + from + "); it logged:\n"
                + String.join("\n", output()));
        return at[0];
    }

    /** Every access-log line so far, parsed. */
    public List<JsonNode> accessLog() {
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
    public List<JsonNode> awaitAccessLog(int from, Predicate<JsonNode> filter, Predicate<List<JsonNode>> complete,
                                         String what) throws Exception {
        AtomicReference<List<JsonNode>> entries = new AtomicReference<>(List.of());
        Await.until(() -> {
            List<JsonNode> all = accessLog();
            entries.set(all.subList(Math.min(from, all.size()), all.size()).stream().filter(filter).toList());
            return complete.test(entries.get());
        }, Duration.ofSeconds(20), () -> "the access log should show " + what + "; it has " + entries.get());
        return entries.get();
    }

    /** SIGTERM, as systemd stops it; true when it exited cleanly (else it was killed after 10 s). */
    public boolean stop() {
        process.close();
        return process.exitValue() == 0;
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
