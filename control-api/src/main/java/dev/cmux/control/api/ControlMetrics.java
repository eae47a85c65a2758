package dev.cmux.control.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the control plane, in the Prometheus text format: answers by status, operations, exec calls. */
final class ControlMetrics implements PrometheusSource {

    private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> execs = new ConcurrentHashMap<>();

    void response(int status) {
        responses.computeIfAbsent("code=\"" + status + "\"", k -> new LongAdder()).increment();
    }

    void operation(String kind, String state) {
        operations.computeIfAbsent("kind=\"" + kind + "\",state=\"" + state + "\"", k -> new LongAdder()).increment();
    }

    void exec(String via, boolean ok) {
        execs.computeIfAbsent("via=\"" + via + "\",result=\"" + (ok ? "ok" : "failed") + "\"", k -> new LongAdder())
                .increment();
    }

    @Override
    public void appendTo(StringBuilder out) {
        counter(out, "cmux_control_responses_total", "Control API answers by HTTP status.", responses);
        counter(out, "cmux_control_operations_total", "Finished sandbox operations by kind and outcome.", operations);
        counter(out, "cmux_control_exec_total", "Exec calls by path (execd, pct, none) and outcome.", execs);
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(values).forEach((labels, v) -> out.append(name).append('{').append(labels).append("} ")
                .append(v.sum()).append('\n'));
    }
}
