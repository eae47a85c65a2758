package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The idle-ws scenario: RSS before and while N verified WebSockets are held (the live heap too for the gateway), on
 * a fresh process of the proxy. A process that has run the other scenarios holds memory it committed then and would
 * hold the WebSockets in it for free: its RSS delta says nothing (the gateway's was 0 to 3.6 KB per WebSocket).
 *
 * @param freshPorts per target, the port its fresh process listens on
 */
record IdleHold(Path launcher, Path work, Map<String, Integer> freshPorts, int backendWs, ScenarioSizes sizes,
                LoadGenerator bench) {

    static final String SCENARIO = "idle-ws";
    /** The targets it runs on, in this order: a proxy is what holds the sockets, so direct is left out. */
    static final List<String> TARGETS = List.of("gateway", "caddy", "nginx");

    /** The client's upgrades, at most this many at a time, must all be decided within 120 s. */
    private static final List<String> OPENING = List.of("--parallel", "256", "--open-timeout", "120");
    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(130);

    /** The client's result and the proxy's memory, or empty when the client gave no result. */
    Optional<Measured> run(String target, int round) throws IOException, InterruptedException {
        Labels labels = new Labels(SCENARIO, target, round);
        Path ready = work.resolve("idle-ready");
        Files.deleteIfExists(ready);
        boolean gateway = target.equals("gateway");
        try (FreshProxy proxy = FreshProxy.start(launcher, work, target, target + "-idle", freshPorts.get(target),
                Map.of())) {
            proxy.awaitListening();
            TimeUnit.SECONDS.sleep(1); // started: its workers are up
            ProcessTree tree = new ProcessTree(proxy.pid());
            // the gateway is read after a full GC on both sides: only what the objects hold
            long heapBefore = gateway ? LiveHeap.afterFullGcKb(proxy.pid()) : 0;
            long rssBefore = tree.rssKb();
            LoadGenerator.Running client = bench.start(List.of("-Xmx1g"), "idle", proxy.route(backendWs),
                    args(ready, labels));
            awaitReady(ready, client);
            TimeUnit.SECONDS.sleep(1); // the last upgrades' buffers settle
            long heapHold = gateway ? LiveHeap.afterFullGcKb(proxy.pid()) : 0;
            long rssHold = tree.rssKb();
            Optional<ObjectNode> result = client.result();
            ObjectNode memory = RawLines.metrics(labels).put("rssBeforeKb", rssBefore).put("rssHoldKb", rssHold);
            if (gateway) {
                memory.put("heapBeforeKb", heapBefore).put("heapHoldKb", heapHold);
            }
            return result.map(r -> new Measured(r, memory));
        }
    }

    private List<String> args(Path ready, Labels labels) {
        List<String> args = new ArrayList<>(List.of("--connections", String.valueOf(sizes.idle())));
        args.addAll(OPENING);
        args.addAll(List.of("--hold", ScenarioSizes.arg(sizes.hold()), "--ready-file", ready.toString()));
        args.addAll(labels.tags());
        return args;
    }

    /** The client writes the ready file once every WebSocket is verified or has failed; it may also give up. */
    private static void awaitReady(Path ready, LoadGenerator.Running client) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (!Files.exists(ready) && client.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** The client's line and the harness's {@code metrics} line for one hold. */
    record Measured(ObjectNode result, ObjectNode memory) {
    }
}
