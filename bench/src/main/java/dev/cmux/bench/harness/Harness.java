package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.bench.Options;
import dev.cmux.bench.report.ProfileSummary;
import dev.cmux.bench.report.Report;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The side-by-side run, once run.sh has started the backend and the proxies: JIT warm-up, then round after round
 * every scenario on every target in turn, the idle hold on fresh proxies, a profile of a fresh gateway, the JMH
 * microbenchmarks, the report. Every measurement appends its lines to the raw file as it ends; the run fails when a
 * scenario produced no numbers for a target (see {@link Completeness}).
 */
public final class Harness {

    /** The targets compared in every scenario; each round starts this order one target later. */
    static final List<String> COMPARED = List.of(TargetUnderTest.DIRECT, "gateway", "caddy", "nginx");

    /**
     * The gateway of an earlier build, when run.sh was given one ({@code BENCH_BASELINE_JAR}): compared in every
     * scenario, in turn with the others, so a change is measured against what it changed in the same run.
     */
    static final String BASELINE = "gateway-base";

    /** A proxy holds a client and a backend descriptor per WebSocket, plus its own few. */
    private static final long DESCRIPTORS_OF_ITS_OWN = 300;

    private final HarnessSetup setup;
    private final ScenarioSizes sizes;
    private final Map<String, TargetUnderTest> targets;
    private final List<String> compared;
    private final LoadGenerator bench;
    private final RawLines raw;
    private final IdleHold idle;
    private final ColdStart cold;
    private final Completeness completeness = new Completeness();
    private final double ticksPerSecond;
    private final long openFiles;

    private Harness(HarnessSetup setup, ScenarioSizes sizes, long openFiles) throws IOException, InterruptedException {
        this.setup = setup;
        this.sizes = sizes;
        this.openFiles = openFiles;
        this.targets = new LinkedHashMap<>(setup.proxies());
        targets.put(TargetUnderTest.DIRECT, TargetUnderTest.direct());
        this.compared = new ArrayList<>(COMPARED);
        if (targets.containsKey(BASELINE)) {
            compared.add(BASELINE);
        }
        this.bench = new LoadGenerator(setup.benchJar(), setup.work().resolve("load.log"));
        this.raw = new RawLines(setup.out().resolve(setup.name() + "-raw.jsonl"));
        this.idle = new IdleHold(setup.launcher(), setup.work(), setup.freshPorts(), setup.backend().ws(), sizes,
                bench);
        this.ticksPerSecond = Double.parseDouble(Shell.firstLine("getconf", "CLK_TCK"));
        this.cold = new ColdStart(setup.launcher(), setup.work(), setup.freshPorts(), ColdStart.kinds(setup.freshPorts()),
                setup.backend());
    }

    /** {@code cmux-bench.jar harness …} as run.sh calls it; returns the exit status. */
    public static int run(Options o) throws IOException, InterruptedException, URISyntaxException {
        HarnessSetup setup = HarnessSetup.from(o);
        long openFiles = RunHeader.openFileLimit();
        Files.createDirectories(setup.out());
        // run.sh stops the harness with TERM when it is stopped itself: what the harness started goes with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroy)));
        return new Harness(setup, withinOpenFileLimit(setup.sizes(), openFiles), openFiles).run();
    }

    private static ScenarioSizes withinOpenFileLimit(ScenarioSizes sizes, long openFiles) {
        long maxIdle = (openFiles - DESCRIPTORS_OF_ITS_OWN) / 2;
        if (sizes.idle() <= maxIdle) {
            return sizes;
        }
        Log.line("open-file limit " + openFiles + " allows " + maxIdle + " idle WebSockets through one proxy "
                + "process, not " + sizes.idle());
        return sizes.withIdle((int) maxIdle);
    }

    private int run() throws IOException, InterruptedException {
        raw.append(RunHeader.read(sizes, openFiles)); // before any load: the machine as the run found it
        warmUp();
        List<Scenario> scenarios = Scenario.ofRound(sizes, setup.backend(), bench, setup.work());
        cold.warmVisitor();
        for (int round = 1; round <= sizes.rounds(); round++) {
            Log.line("round " + round + " of " + sizes.rounds() + " (load " + RunHeader.loadAverage() + ")");
            List<String> order = inTurn(compared, round);
            for (Scenario s : scenarios) {
                List<String> on = new ArrayList<>(order);
                on.addAll(s.alsoOn());
                for (String t : on) {
                    measure(s, targets.get(t), round);
                }
            }
            for (String t : IdleHold.TARGETS) {
                holdIdle(t, round);
            }
            for (String t : inTurn(List.copyOf(setup.freshPorts().keySet()), round)) {
                startCold(t, round);
            }
        }
        profile();
        microbenchmarks();
        new Report(raw.file(), setup.out(), setup.name()).write();
        List<String> gaps = completeness.gaps();
        gaps.forEach(System.err::println);
        return gaps.isEmpty() ? 0 : 1;
    }

    /**
     * The compared targets in round {@code round}'s order. Each round starts one target later: the machine's noisy
     * spells (seen lasting tens of seconds, right after a closed-loop scenario as often as not) then fall on a
     * different target each round, and medians hold.
     */
    static List<String> inTurn(int round) {
        return inTurn(COMPARED, round);
    }

    static List<String> inTurn(List<String> compared, int round) {
        int shift = (round - 1) % compared.size();
        List<String> order = new ArrayList<>(compared.subList(shift, compared.size()));
        order.addAll(compared.subList(0, shift));
        return order;
    }

    /** JIT warm-up for the gateways and the Netty WebSocket backend (Caddy and nginx need none); not recorded. */
    private void warmUp() throws IOException, InterruptedException {
        String seconds = ScenarioSizes.arg(sizes.gatewayWarmup());
        bench.runUnrecorded("ws", targets.get(TargetUnderTest.DIRECT).route(setup.backend().ws()),
                "--connections", "16", "--warmup", "0", "--duration", seconds);
        List<String> gateways = new ArrayList<>(List.of("gateway", "gateway-log", "gateway-default"));
        if (targets.containsKey(BASELINE)) {
            gateways.add(BASELINE);
        }
        for (String t : gateways) {
            bench.runUnrecorded("http", targets.get(t).route(setup.backend().http()), "--path", "/19b",
                    "--connections", "64", "--warmup", "0", "--duration", seconds);
        }
        bench.runUnrecorded("ws", targets.get("gateway").route(setup.backend().ws()), "--connections", "16",
                "--warmup", "0", "--duration", "2");
    }

    /** One invocation of a client; its result and the proxy's CPU over it go to the raw file. */
    private void measure(Scenario s, TargetUnderTest target, int round) throws IOException, InterruptedException {
        Labels labels = new Labels(s.name(), target.name(), round);
        CpuTime[] before = {target.cpu()};
        Optional<ObjectNode> result = s.client().runCounted(labels, target.route(s.backendPort()), () -> {
            Log.line(labels + ": no answer counted, once more");
            before[0] = target.cpu(); // the proxy's CPU of the run that counts
        });
        CpuTime used = target.cpu().since(before[0]);
        completeness.record(labels, result);
        if (result.isEmpty()) {
            Log.line(labels + ": no result, see load.log");
            return;
        }
        raw.append(result.get());
        if (target.process().isPresent()) {
            raw.append(RawLines.cpu(labels, used, ticksPerSecond));
        }
        Log.line(labels + ": " + summary(result.get()));
    }

    private void holdIdle(String target, int round) throws IOException, InterruptedException {
        Labels labels = new Labels(IdleHold.SCENARIO, target, round);
        Optional<IdleHold.Measured> measured = idle.run(target, round);
        completeness.record(labels, measured.map(IdleHold.Measured::result));
        if (measured.isEmpty()) {
            Log.line(labels + ": no result, see load.log");
            return;
        }
        raw.append(measured.get().result());
        raw.append(measured.get().memory());
        JsonNode m = measured.get().memory();
        Log.line(labels + ": RSS " + m.path("rssBeforeKb") + " -> " + m.path("rssHoldKb") + " KB"
                + (m.has("heapBeforeKb") ? ", live heap " + m.path("heapBeforeKb") + " -> " + m.path("heapHoldKb")
                + " KB" : "") + "; verified " + measured.get().result().path("verified"));
    }

    private void startCold(String target, int round) throws IOException, InterruptedException {
        Labels labels = new Labels(ColdStart.SCENARIO, target, round);
        Optional<ObjectNode> line;
        try {
            line = Optional.of(cold.run(target, round));
        } catch (IOException e) {
            Log.line(labels + ": " + e.getMessage());
            line = Optional.empty();
        }
        completeness.record(labels, line);
        if (line.isPresent()) {
            raw.append(line.get());
            Log.line(labels + ": listening after " + line.get().path("listenMs") + " ms, first request "
                    + line.get().path("httpFirstMs") + " ms");
        }
    }

    /** A fresh gateway under JFR with small requests; its top CPU and allocation frames go to -profile.md. */
    private void profile() throws IOException, InterruptedException {
        Path jfr = setup.work().resolve("gateway.jfr");
        try (FreshProxy gateway = FreshProxy.start(setup.launcher(), setup.work(), "gateway", "gateway-prof",
                setup.profilePort(), Map.of("GATEWAY_JFR", jfr.toString()))) {
            gateway.awaitListening();
            bench.runUnrecorded("http", gateway.route(setup.backend().http()),
                    "--path", "/19b", "--connections", "64", "--warmup", "0",
                    "--duration", ScenarioSizes.arg(sizes.profileSeconds()));
        } // stopping it dumps the recording
        if (Files.exists(jfr) && Files.size(jfr) > 0) {
            ProfileSummary.write(jfr, setup.out().resolve(setup.name() + "-profile.md"), 15);
        } else {
            Log.line("no JFR recording written");
        }
    }

    /** The JMH microbenchmarks of the hot path, after the load; a failure is reported, not fatal. */
    private void microbenchmarks() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("jmh"));
        args.addAll(sizes.jmh());
        args.addAll(List.of("-rf", "text", "-rff", setup.out().resolve(setup.name() + "-jmh.txt").toString()));
        Process jmh = new ProcessBuilder(setup.benchJar().command(List.of(), args)).redirectErrorStream(true)
                .redirectOutput(setup.work().resolve("jmh.log").toFile()).start();
        if (jmh.waitFor() != 0) {
            Log.line("JMH failed, see jmh.log");
        }
    }

    private static String summary(JsonNode result) {
        StringBuilder out = new StringBuilder();
        for (String field : List.of("perSecond", "p99us", "errors", "clientTimerLateMaxUs")) {
            if (result.has(field) && !(field.equals("clientTimerLateMaxUs") && result.get(field).asLong() == 0)) {
                out.append(field).append(' ').append(result.get(field).asText()).append("  ");
            }
        }
        return out.toString().trim();
    }
}
