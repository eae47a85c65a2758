package dev.cmux.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** Per scenario and target, the median over rounds of every number the table and the checks use. */
final class Medians {

    static final String THROUGHPUT = "perSecond";
    /** The cold scenario's numbers (bench/ ColdStart), all in milliseconds. */
    static final List<String> COLD_FIELDS = List.of("listenMs", "httpFirstMs", "httpMedian2to10Ms",
            "httpMedian11to100Ms", "wsFirstMs", "wsMedian2to10Ms", "wsMedian11to100Ms", "errorFirstMs",
            "errorMedian2to10Ms", "errorMedian11to100Ms", "sequentialMedianMs");

    private final Map<String, Map<String, Map<String, Double>>> values = new LinkedHashMap<>();

    Medians(List<Run> runs) {
        Map<String, Map<String, List<Run>>> grouped = new LinkedHashMap<>();
        for (Run r : runs) {
            grouped.computeIfAbsent(r.scenario(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r);
        }
        grouped.forEach((scenario, byTarget) -> byTarget.forEach((target, rs) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("rounds", (double) rs.size());
            for (String f : List.of("perSecond", "bytesPerSecond", "p50us", "p99us", "p999us", "errors", "verified",
                    "clientTimerLateMaxUs")) {
                m.put(f, median(rs, r -> r.load(f)));
            }
            for (String f : COLD_FIELDS) {
                m.put(f, median(rs, r -> r.load(f)));
            }
            m.put("errorsTotal", rs.stream().mapToDouble(r -> r.load("errors")).sum());
            m.put("cpuMicrosPerExchange", median(rs, r -> r.microsPerExchange("cpuSeconds")));
            m.put("userMicrosPerExchange", median(rs, r -> r.microsPerExchange("userSeconds")));
            m.put("systemMicrosPerExchange", median(rs, r -> r.microsPerExchange("systemSeconds")));
            m.put("rssPerWebSocketKb", median(rs, Run::rssPerConnectionKb));
            m.put("heapPerWebSocketKb", median(rs, Run::heapPerConnectionKb));
            values.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).put(target, m);
        }));
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        return Report.median(runs.stream().mapToDouble(f).toArray());
    }

    Set<String> scenarios() {
        return values.keySet();
    }

    Set<String> targets(String scenario) {
        return values.getOrDefault(scenario, Map.of()).keySet();
    }

    /** Empty when the target did not run the scenario. */
    Map<String, Double> of(String scenario, String target) {
        return values.getOrDefault(scenario, Map.of()).getOrDefault(target, Map.of());
    }

    double get(String scenario, String target, String field) {
        return of(scenario, target).getOrDefault(field, Double.NaN);
    }

    /** {@code a / b} of the medians of {@code field}; NaN when either is missing. */
    /** {@code a / b}; NaN (shown as "–") when either is missing or {@code b} measured 0, as a starved peer can. */
    double ratio(String scenario, String a, String b, String field) {
        double r = get(scenario, a, field) / get(scenario, b, field);
        return Double.isFinite(r) ? r : Double.NaN;
    }
}
