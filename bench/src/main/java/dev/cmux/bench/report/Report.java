package dev.cmux.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the harness's raw lines ({@code run.sh} appends one load result and one metrics line per invocation, plus
 * one {@code meta} line) into {@code <name>.json} (every run, medians, ratios), {@code <name>.md} (the table) and
 * PNG charts. Medians over rounds, ratios of medians; only numbers from this one raw file are compared.
 */
public final class Report {

    private static final List<String> TARGET_ORDER = List.of("gateway", "gateway-25", "gateway-base", "gateway-log",
            "gateway-default", "caddy", "nginx", "direct");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path in;
    private final Path outDir;
    private final String name;

    public Report(Path in, Path outDir, String name) {
        this.in = in;
        this.outDir = outDir;
        this.name = name;
    }

    public void write() throws IOException {
        ObjectNode meta = JSON.createObjectNode();
        Map<String, JsonNode> loads = new LinkedHashMap<>();
        Map<String, JsonNode> metrics = new HashMap<>();
        for (String line : Files.readAllLines(in)) {
            if (line.isBlank() || !line.startsWith("{")) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            String kind = node.path("kind").asText("load");
            switch (kind) {
                case "meta" -> meta.setAll((ObjectNode) node);
                case "metrics" -> metrics.put(key(node), node);
                default -> loads.put(key(node), node);
            }
        }
        List<Run> runs = new ArrayList<>();
        loads.forEach((k, load) -> runs.add(new Run(load.path("scenario").asText(), load.path("target").asText(),
                load.path("round").asInt(), load, metrics.get(k))));
        Medians medians = new Medians(runs);
        Files.createDirectories(outDir);
        writeJson(meta, runs, medians);
        Files.writeString(outDir.resolve(name + ".md"), new MarkdownTable(meta, medians).render());
        writeCharts(medians);
    }

    private static String key(JsonNode n) {
        return n.path("scenario").asText() + "/" + n.path("target").asText() + "/" + n.path("round").asInt();
    }

    private void writeJson(ObjectNode meta, List<Run> runs, Medians medians) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.set("meta", meta);
        ArrayNode all = root.putArray("runs");
        for (Run r : runs) {
            ObjectNode o = all.addObject();
            o.setAll((ObjectNode) r.load().deepCopy());
            if (r.metrics() != null) {
                o.set("metrics", r.metrics());
            }
        }
        ObjectNode med = root.putObject("medians");
        for (String scenario : medians.scenarios()) {
            ObjectNode s = med.putObject(scenario);
            for (String target : medians.targets(scenario)) {
                ObjectNode t = s.putObject(target);
                for (Map.Entry<String, Double> e : medians.of(scenario, target).entrySet()) {
                    if (!e.getValue().isNaN()) {
                        t.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0);
                    }
                }
            }
        }
        ObjectNode ratios = root.putObject("ratios");
        for (String scenario : medians.scenarios()) {
            if (!MarkdownTable.isLoad(scenario)) {
                continue;
            }
            ObjectNode s = ratios.putObject(scenario);
            for (String peer : List.of("caddy", "nginx", "direct")) {
                double r = medians.ratio(scenario, "gateway", peer, Medians.THROUGHPUT);
                if (!Double.isNaN(r)) {
                    s.put("gateway/" + peer, Math.round(r * 1000) / 1000.0);
                }
            }
        }
        JSON.writeValue(outDir.resolve(name + ".json").toFile(), root);
    }

    private void writeCharts(Medians medians) throws IOException {
        List<String> throughput = new ArrayList<>();
        List<String> idle = new ArrayList<>();
        for (String s : medians.scenarios()) {
            if (s.startsWith("idle")) {
                idle.add(s);
            } else if (MarkdownTable.isLoad(s)) {
                throughput.add(s);
            }
        }
        List<String> targets = orderedTargets(medians);
        Charts.bars(outDir.resolve(name + "-throughput.png"), "Throughput relative to nginx (median of rounds)",
                "x nginx", throughput, targets, relative(medians, throughput, targets, Medians.THROUGHPUT));
        Charts.bars(outDir.resolve(name + "-p99.png"), "p99 latency (median of rounds)", "ms", throughput, targets,
                absolute(medians, throughput, targets, m -> m.get("p99us") / 1000));
        if (!idle.isEmpty()) {
            Charts.bars(outDir.resolve(name + "-idle-websocket.png"), "Resident memory per idle WebSocket",
                    "KB per WebSocket", idle, targets, absolute(medians, idle, targets,
                            m -> m.getOrDefault("rssPerWebSocketKb", Double.NaN)));
        }
    }

    static List<String> orderedTargets(Medians medians) {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (String s : medians.scenarios()) {
            all.addAll(medians.targets(s));
        }
        List<String> out = new ArrayList<>();
        for (String t : TARGET_ORDER) {
            if (all.remove(t)) {
                out.add(t);
            }
        }
        out.addAll(all);
        return out;
    }

    private static Map<String, Map<String, Double>> relative(Medians m, List<String> scenarios, List<String> targets,
                                                            String field) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String s : scenarios) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (String t : targets) {
                row.put(t, m.ratio(s, t, "nginx", field));
            }
            out.put(s, row);
        }
        return out;
    }

    private static Map<String, Map<String, Double>> absolute(Medians m, List<String> scenarios, List<String> targets,
                                                            ToDoubleFunction<Map<String, Double>> value) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String s : scenarios) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (String t : targets) {
                Map<String, Double> med = m.of(s, t);
                row.put(t, med.isEmpty() ? Double.NaN : value.applyAsDouble(med));
            }
            out.put(s, row);
        }
        return out;
    }

    /** The median of the finite values; NaN when there are none. */
    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
