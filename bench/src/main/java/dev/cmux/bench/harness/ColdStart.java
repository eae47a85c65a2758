package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.gateway.warmup.PlainVisitor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cold scenario (issue #23): a fresh process of each target, started and asked one request at a time, as a
 * homelab's few visitors meet a gateway just started (boot, upgrade, restart). Per target: the time from starting
 * the process to its port answering; the first request (for the gateway a resolver miss), the medians of requests
 * 2-10 and 11-100 — of plain requests on one keep-alive connection, of WebSocket upgrades (a new connection each,
 * one frame echoed) and of the target's own 404 page; then the median of 1,000 sequential requests after 2,000.
 * Each start waits for a quiet machine first ({@link QuietMachine}). The gateway is started by its shipped launcher
 * with the class-data archive run.sh trained; direct is a fresh
 * nginx serving the same files (its WebSockets go to the long-lived echo backend). The visitor is the harness's own,
 * warmed on the long-lived direct backend first, so its cost is the same small one for every target.
 *
 * @param freshPorts per target, the port its fresh process listens on
 * @param kinds      per target, what launch.sh starts for it
 */
record ColdStart(Path launcher, Path work, Map<String, Integer> freshPorts, Map<String, String> kinds,
                 Scenario.Ports backend) {

    static final String SCENARIO = "cold";
    private static final String HOST = "port-%d-vm-200.bench.test";
    private static final int SEQUENTIAL_AFTER = 2_000;
    private static final int SEQUENTIAL_SAMPLE = 1_000;

    /**
     * What launch.sh starts for each target of {@code freshPorts}: the gateway by its shipped launcher
     * ({@code gateway-cold}; {@code gateway-25} the same on JDK 25, when run.sh found one), direct as nginx serving
     * the files, the proxies as in every other scenario.
     */
    static Map<String, String> kinds(Map<String, Integer> freshPorts) {
        Map<String, String> kinds = new java.util.LinkedHashMap<>();
        for (String target : freshPorts.keySet()) {
            kinds.put(target, switch (target) {
                case "gateway" -> "gateway-cold";
                case "gateway-25" -> "gateway-cold-25";
                case TargetUnderTest.DIRECT -> "nginx-backend";
                default -> target;
            });
        }
        return kinds;
    }

    /** Runs the visitor against the long-lived backends, so that the first measured request is not its own first. */
    void warmVisitor() throws IOException {
        InetSocketAddress direct = new InetSocketAddress("127.0.0.1", backend.http());
        try (PlainVisitor visitor = new PlainVisitor(direct)) {
            for (int i = 0; i < 3_000; i++) {
                visitor.request("GET", "direct", i % 10 == 0 ? "/nosuch" : "/19b", null);
            }
            PlainVisitor ws = new PlainVisitor(new InetSocketAddress("127.0.0.1", backend.ws()));
            for (int i = 0; i < 200; i++) {
                ws.webSocket("direct", "/ws", "w");
            }
        }
    }

    /** One fresh process of {@code target}, measured and stopped; the line for the raw file. */
    ObjectNode run(String target, int round) throws IOException, InterruptedException {
        int port = freshPorts.get(target);
        boolean direct = target.equals(TargetUnderTest.DIRECT);
        double busyBefore = QuietMachine.await();
        long start = System.nanoTime();
        try (FreshProxy proxy = FreshProxy.start(launcher, work, kinds.get(target), target + "-cold", port,
                Map.of())) {
            long listening = awaitListening(proxy, start);
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
            String http = String.format(HOST, backend.http());
            ObjectNode line = new Labels(SCENARIO, target, round).putInto(JsonNodeFactory.instance.objectNode());
            line.put("listenMs", ms(listening));
            line.put("busyBefore", Math.round(busyBefore * 100) / 100.0);
            try (PlainVisitor visitor = new PlainVisitor(at)) {
                put(line, "http", times(100, () -> visitor.request("GET", http, "/19b", null), 200));
                put(line, "error", times(100, () -> visitor.request("GET", direct ? http : "nosuch.bench.test",
                        direct ? "/nosuch" : "/", null), 404));
                InetSocketAddress ws = direct ? new InetSocketAddress("127.0.0.1", backend.ws()) : at;
                String wsHost = String.format(HOST, backend.ws());
                PlainVisitor upgrades = new PlainVisitor(ws);
                put(line, "ws", times(100, () -> upgrades.webSocket(wsHost, "/ws", "cold").equals("cold") ? 101 : -1,
                        101));
                times(SEQUENTIAL_AFTER, () -> visitor.request("GET", http, "/19b", null), 200);
                line.put("sequentialMedianMs", median(times(SEQUENTIAL_SAMPLE,
                        () -> visitor.request("GET", http, "/19b", null), 200)));
            }
            line.put("count", 300 + SEQUENTIAL_AFTER + SEQUENTIAL_SAMPLE); // answers counted, for Completeness
            return line;
        }
    }

    /**
     * Polls the port every 5 ms: the listen time is the first connection accepted. Not every millisecond: the failed
     * connects took CPU from a start that uses both cores (a start polled every millisecond listened about 170 ms
     * later than one polled every 5 ms, by hand).
     */
    private static long awaitListening(FreshProxy proxy, long start) throws IOException, InterruptedException {
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && proxy.process().isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 1000);
                return System.nanoTime() - start;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        throw new IOException(proxy.name() + " did not listen on " + proxy.port() + " in 30 s; its log:\n"
                + Files.readString(proxy.log()));
    }

    @FunctionalInterface
    private interface Exchange {
        int status() throws IOException;
    }

    /** The time of each of {@code n} exchanges in ms; an answer other than {@code expected} fails the measurement. */
    private static double[] times(int n, Exchange exchange, int expected) throws IOException {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            int status = exchange.status();
            ms[i] = ms(System.nanoTime() - t);
            if (status != expected) {
                throw new IOException("answered " + status + " where " + expected + " was expected");
            }
        }
        return ms;
    }

    /** {@code <kind>FirstMs}, {@code <kind>Median2to10Ms}, {@code <kind>Median11to100Ms}. */
    private static void put(ObjectNode line, String kind, double[] ms) {
        line.put(kind + "FirstMs", ms[0]);
        line.put(kind + "Median2to10Ms", median(Arrays.copyOfRange(ms, 1, 10)));
        line.put(kind + "Median11to100Ms", median(Arrays.copyOfRange(ms, 10, 100)));
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
