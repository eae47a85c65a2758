package dev.cmux.bench.harness;

import dev.cmux.bench.Options;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What run.sh hands the harness: where to write, the processes it started (each proxy's port and pid, the
 * backend's ports), the ports for the fresh proxies the harness starts itself, and the run's sizes.
 *
 * @param proxies    the long-lived proxies by target name ({@code --port.NAME}, {@code --pid.NAME})
 * @param freshPorts per idle-hold target, its fresh process's port ({@code --fresh-port.NAME})
 */
record HarnessSetup(ScenarioSizes sizes, Path out, String name, Path work, Path launcher, BenchJar benchJar,
                    Scenario.Ports backend, Map<String, TargetUnderTest> proxies, Map<String, Integer> freshPorts,
                    int profilePort) {

    static HarnessSetup from(Options o) throws URISyntaxException {
        ScenarioSizes sizes = switch (o.string("mode", "full")) {
            case "smoke" -> ScenarioSizes.smoke();
            case "full" -> ScenarioSizes.full(o.integer("rounds", 3));
            default -> throw new IllegalArgumentException("--mode is smoke or full");
        };
        sizes = sizes.withRate(o.integer("rate", sizes.rate())).withIdle(o.integer("idle", sizes.idle()));
        Map<String, String> pids = o.prefixed("pid.");
        Map<String, TargetUnderTest> proxies = new LinkedHashMap<>();
        o.prefixed("port.").forEach((target, port) -> proxies.put(target, TargetUnderTest.proxy(target,
                Integer.parseInt(port), Long.parseLong(required(pids, target, "--pid.")))));
        Map<String, Integer> freshPorts = new LinkedHashMap<>();
        o.prefixed("fresh-port.").forEach((target, port) -> freshPorts.put(target, Integer.parseInt(port)));
        return new HarnessSetup(sizes, Path.of(required(o, "out")), required(o, "name"), Path.of(required(o, "work")),
                Path.of(required(o, "launcher")), BenchJar.running(),
                new Scenario.Ports(Integer.parseInt(required(o, "backend-http")),
                        Integer.parseInt(required(o, "backend-ws"))),
                proxies, freshPorts, Integer.parseInt(required(o, "profile-port")));
    }

    private static String required(Options o, String name) {
        String v = o.string(name, null);
        if (v == null) {
            throw new IllegalArgumentException("harness: --" + name + " is required");
        }
        return v;
    }

    private static String required(Map<String, String> values, String key, String option) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("harness: " + option + key + " is required");
        }
        return v;
    }
}
