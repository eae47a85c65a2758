package dev.cmux.bench.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static dev.cmux.bench.report.Report.fmt;

/** The human-readable result: setup, one table per scenario, ratios, and the targets met or not. */
final class MarkdownTable {

    /** The targets: scenario, field, peer, bound; a ratio gateway/peer at least (or at most) bound. */
    private record Goal(String text, String scenario, String field, String peer, double bound, boolean atMost) {
    }

    private static final List<Goal> GOALS = List.of(
            new Goal("small (19 B) req/s ≥ 1.0× nginx", "small", "perSecond", "nginx", 1.0, false),
            new Goal("small (19 B) req/s ≥ 3.5× Caddy", "small", "perSecond", "caddy", 3.5, false),
            new Goal("small p99 ≤ nginx's, open loop at a fixed rate", "small-rate", "p99us", "nginx", 1.0, true),
            new Goal("small p99 ≤ nginx's, closed loop", "small", "p99us", "nginx", 1.0, true),
            new Goal("64 KiB req/s ≥ 1.5× Caddy", "64k", "perSecond", "caddy", 1.5, false),
            new Goal("10 MiB req/s ≥ 1.0× Caddy", "10m", "perSecond", "caddy", 1.0, false),
            new Goal("small req/s gateway/direct ≥ 0.45", "small", "perSecond", "direct", 0.45, false));

    /** The idle-hold scenario's name in {@code run.sh}. */
    static final String IDLE = "idle-ws";
    /** The cold scenario's name (bench/ ColdStart). */
    static final String COLD = "cold";

    /** The targets of the cold scenario: gateway's field at most {@code bound} ms, or at most the peer's. */
    private record ColdGoal(String text, String field, String peer, double boundMs) {
    }

    private static final List<ColdGoal> COLD_GOALS = List.of(
            new ColdGoal("first request after start ≤ 10 ms", "httpFirstMs", null, 10),
            new ColdGoal("median of requests 2-10 ≤ Caddy's", "httpMedian2to10Ms", "caddy", 0),
            new ColdGoal("median of requests 11-100 ≤ Caddy's", "httpMedian11to100Ms", "caddy", 0),
            new ColdGoal("sequential median after 2,000 requests ≤ nginx's", "sequentialMedianMs", "nginx", 0),
            new ColdGoal("start to listening < 1 s", "listenMs", null, 1000));

    /** Throughput scenarios: every one but the idle hold and the cold starts, which measure other things. */
    static boolean isLoad(String scenario) {
        return !scenario.startsWith("idle") && !scenario.equals(COLD);
    }

    private final JsonNode meta;
    private final Medians m;

    MarkdownTable(JsonNode meta, Medians medians) {
        this.meta = meta;
        this.m = medians;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Bench results ").append(meta.path("date").asText("")).append("\n\n");
        out.append("Produced by `bench/run.sh`; medians over ").append(meta.path("rounds").asText("?"))
                .append(" interleaved rounds (targets in turn: direct, gateway, Caddy, nginx;")
                .append(" each round starts one target later).\n\n");
        for (Map.Entry<String, JsonNode> e : meta.properties()) {
            if (!e.getKey().equals("kind")) {
                out.append("- ").append(e.getKey()).append(": ").append(e.getValue().asText()).append('\n');
            }
        }
        out.append('\n');
        goals(out);
        ratios(out);
        againstBaseline(out);
        for (String scenario : m.scenarios()) {
            if (scenario.startsWith("idle")) {
                idleTable(out, scenario);
            } else if (scenario.equals(COLD)) {
                coldTable(out);
            } else {
                loadTable(out, scenario);
            }
        }
        return out.toString();
    }

    private void goals(StringBuilder out) {
        out.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        for (Goal g : GOALS) {
            double r = m.ratio(g.scenario(), "gateway", g.peer(), g.field());
            String met = Double.isNaN(r) ? "not measured" : (g.atMost() ? r <= g.bound() : r >= g.bound()) ? "yes"
                    : "**no**";
            out.append("| ").append(g.text()).append(" | ").append(fmt(r, 2)).append("× | ").append(met)
                    .append(" |\n");
        }
        double kb = m.get(IDLE, "gateway", "rssPerWebSocketKb");
        out.append("| idle WebSocket ≤ 10 KB RSS each at 10k (measured at ")
                .append(fmt(m.get(IDLE, "gateway", "verified"), 0)).append(") | ").append(fmt(kb, 1)).append(" KB | ")
                .append(Double.isNaN(kb) ? "not measured" : kb <= 0 ? "**invalid** (RSS fell)" : kb <= 10 ? "yes"
                        : "**no**").append(" |\n");
        for (ColdGoal g : COLD_GOALS) {
            double v = m.get(COLD, "gateway", g.field());
            double bound = g.peer() == null ? g.boundMs() : m.get(COLD, g.peer(), g.field());
            out.append("| ").append(g.text()).append(" | ").append(fmt(v, 2)).append(" ms")
                    .append(g.peer() == null ? "" : " (" + g.peer() + " " + fmt(bound, 2) + " ms)").append(" | ")
                    .append(Double.isNaN(v) || Double.isNaN(bound) ? "not measured" : v <= bound ? "yes" : "**no**")
                    .append(" |\n");
        }
        out.append('\n');
    }

    private void ratios(StringBuilder out) {
        out.append("## Ratios of medians (throughput; p99 in brackets, lower is better)\n\n")
                .append("| scenario | gateway/Caddy | gateway/nginx | gateway/direct |\n|---|---|---|---|\n");
        for (String s : m.scenarios()) {
            if (!isLoad(s)) {
                continue;
            }
            out.append("| ").append(s);
            for (String peer : List.of("caddy", "nginx", "direct")) {
                out.append(" | ").append(fmt(m.ratio(s, "gateway", peer, Medians.THROUGHPUT), 2)).append("× (")
                        .append(fmt(m.ratio(s, "gateway", peer, "p99us"), 2)).append("×)");
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    /**
     * With {@code BENCH_BASELINE_JAR}: this build's gateway against the earlier one, measured in turn in the same
     * run. Above 1 is better for throughput, below 1 for p99 and CPU.
     */
    private void againstBaseline(StringBuilder out) {
        String base = "gateway-base";
        if (m.scenarios().stream().noneMatch(s -> m.targets(s).contains(base))) {
            return;
        }
        out.append("## This build against the baseline (gateway/gateway-base)\n\n")
                .append("| scenario | throughput | p99 | proxy CPU per exchange |\n|---|---|---|---|\n");
        for (String s : m.scenarios()) {
            if (!isLoad(s) || !m.targets(s).contains(base)) {
                continue;
            }
            out.append("| ").append(s).append(" | ").append(fmt(m.ratio(s, "gateway", base, Medians.THROUGHPUT), 3))
                    .append("× | ").append(fmt(m.ratio(s, "gateway", base, "p99us"), 3)).append("× | ")
                    .append(fmt(m.ratio(s, "gateway", base, "cpuMicrosPerExchange"), 3)).append("× |\n");
        }
        out.append('\n');
    }

    private void loadTable(StringBuilder out, String scenario) {
        out.append("## ").append(scenario).append("\n\n")
                .append("| target | per second | MB/s | p50 ms | p99 ms | p99.9 ms | proxy CPU µs per exchange "
                        + "(user + kernel) | errors (all rounds) |\n|---|---|---|---|---|---|---|---|\n");
        for (String t : Report.orderedTargets(m)) {
            Map<String, Double> v = m.of(scenario, t);
            if (v.isEmpty()) {
                continue;
            }
            out.append("| ").append(t).append(" | ").append(fmt(v.get("perSecond"), 0))
                    .append(" | ").append(fmt(v.get("bytesPerSecond") / 1e6, 1))
                    .append(" | ").append(fmt(v.get("p50us") / 1000, 3))
                    .append(" | ").append(fmt(v.get("p99us") / 1000, 3))
                    .append(" | ").append(fmt(v.get("p999us") / 1000, 3))
                    .append(" | ").append(cpu(v))
                    .append(" | ").append(fmt(v.get("errorsTotal"), 0)).append(" |\n");
        }
        out.append('\n');
        clientTimerNote(out, scenario);
    }

    /** "25.1 (9.6 + 15.5)": all of the proxy's CPU per exchange, then user space and kernel; results before the split
     * was recorded show the total alone. */
    private static String cpu(Map<String, Double> v) {
        String total = fmt(v.get("cpuMicrosPerExchange"), 1);
        double user = v.getOrDefault("userMicrosPerExchange", Double.NaN);
        if (Double.isNaN(user)) {
            return total;
        }
        return total + " (" + fmt(user, 1) + " + " + fmt(v.get("systemMicrosPerExchange"), 1) + ")";
    }

    /**
     * Under an open loop, a request's latency counts from when it was due. The client's own timer can be late too
     * (its thread descheduled on a busy machine): what it says here bounds the part of the tail that is the client's.
     */
    private void clientTimerNote(StringBuilder out, String scenario) {
        StringBuilder late = new StringBuilder();
        for (String t : Report.orderedTargets(m)) {
            double us = m.get(scenario, t, "clientTimerLateMaxUs");
            if (us > 0) {
                late.append(late.length() == 0 ? "" : ", ").append(t).append(' ')
                        .append(fmt(us / 1000, 1)).append(" ms");
            }
        }
        if (late.length() > 0) {
            out.append("The load generator's timer fired at most this late")
                    .append(" (median over rounds of each run's maximum): ").append(late)
                    .append(". A p99 far above it was lost between the client's write and the answer.\n\n");
        }
    }

    /**
     * A fresh process of each target, one request at a time: time to listening, then first, median of 2-10 and of
     * 11-100 for plain requests, WebSocket upgrades and the 404 page, and the median after 2,000 requests.
     */
    private void coldTable(StringBuilder out) {
        out.append("## ").append(COLD).append(" (fresh process; ms: first / median 2-10 / median 11-100)\n\n")
                .append("| target | start to listening | request | WebSocket upgrade | 404 page | sequential median "
                        + "after 2,000 |\n|---|---|---|---|---|---|\n");
        for (String t : Report.orderedTargets(m)) {
            Map<String, Double> v = m.of(COLD, t);
            if (v.isEmpty()) {
                continue;
            }
            out.append("| ").append(t).append(" | ").append(fmt(v.get("listenMs"), 0));
            for (String kind : List.of("http", "ws", "error")) {
                out.append(" | ").append(fmt(v.get(kind + "FirstMs"), 1)).append(" / ")
                        .append(fmt(v.get(kind + "Median2to10Ms"), 2)).append(" / ")
                        .append(fmt(v.get(kind + "Median11to100Ms"), 2));
            }
            out.append(" | ").append(fmt(v.get("sequentialMedianMs"), 3)).append(" |\n");
        }
        out.append('\n');
    }

    private void idleTable(StringBuilder out, String scenario) {
        out.append("## ").append(scenario).append("\n\n")
                .append("| target | WebSockets verified | RSS KB per WebSocket | live heap KB per WebSocket | "
                        + "errors (all rounds) |\n|---|---|---|---|---|\n");
        for (String t : Report.orderedTargets(m)) {
            Map<String, Double> v = m.of(scenario, t);
            if (v.isEmpty()) {
                continue;
            }
            out.append("| ").append(t).append(" | ").append(fmt(v.get("verified"), 0))
                    .append(" | ").append(fmt(v.get("rssPerWebSocketKb"), 1))
                    .append(" | ").append(fmt(v.get("heapPerWebSocketKb"), 1))
                    .append(" | ").append(fmt(v.get("errorsTotal"), 0)).append(" |\n");
        }
        out.append('\n');
    }
}
