package dev.cmux.bench.harness;

import java.nio.file.Path;
import java.util.List;

import static dev.cmux.bench.harness.ScenarioSizes.arg;

/**
 * One scenario of a round: its name in the results, the backend port its traffic goes to, its client, and the
 * targets it runs on besides the compared ones (direct, gateway, Caddy, nginx).
 */
record Scenario(String name, int backendPort, LoadClient client, List<String> alsoOn) {

    /** Every scenario of a round but the idle hold, in the order they run. */
    static List<Scenario> ofRound(ScenarioSizes s, Ports backend, LoadGenerator bench, Path work) {
        String warmup = arg(s.warmup());
        return List.of(
                // the gateway with its access log on, and with the shipped backend pool size, only here
                new Scenario("small", backend.http(), new WrkClient(work, "/19b", 19, 64, s.wrkSeconds()),
                        List.of("gateway-log", "gateway-default")),
                new Scenario("small-netty", backend.http(), bench.mode("http", List.of("--path", "/19b",
                        "--connections", "64", "--warmup", warmup, "--duration", arg(s.nettySeconds()))), List.of()),
                new Scenario("small-rate", backend.http(), bench.mode("rate", List.of("--path", "/19b",
                        "--connections", "64", "--rate", String.valueOf(s.rate()), "--warmup", warmup,
                        "--duration", arg(s.rateSeconds()))), List.of()),
                new Scenario("64k", backend.http(), new WrkClient(work, "/64k", 65536, 32, s.wrkSeconds()), List.of()),
                new Scenario("10m", backend.http(), new WrkClient(work, "/10m", 10485760, 8, s.wrkSeconds()),
                        List.of()),
                new Scenario("ws-128", backend.ws(), bench.mode("ws", List.of("--size", "128", "--connections", "32",
                        "--warmup", warmup, "--duration", arg(s.wsSeconds()))), List.of()),
                new Scenario("ws-64k", backend.ws(), bench.mode("ws", List.of("--size", "64k", "--connections", "8",
                        "--warmup", warmup, "--duration", arg(s.wsSeconds()))), List.of()));
    }

    /** The backend's two ports: nginx serving files, the Netty WebSocket echo. */
    record Ports(int http, int ws) {
    }
}
