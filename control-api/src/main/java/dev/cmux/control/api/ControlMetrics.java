package dev.cmux.control.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** Counters of the control plane: answers by status, operations, exec calls. */
final class ControlMetrics implements PrometheusSource {

    private final MetricSet metrics = new MetricSet();
    private final Counter responses = metrics.counter("cmux_control_responses_total",
            "Control API answers by HTTP status.", "code");
    private final Counter operations = metrics.counter("cmux_control_operations_total",
            "Finished sandbox operations by kind and outcome.", "kind", "state");
    private final Counter execs = metrics.counter("cmux_control_exec_total",
            "Exec calls by path (execd, pct, none) and outcome.", "via", "result");

    void response(int status) {
        responses.labelValues(Integer.toString(status)).inc();
    }

    void operation(String kind, String state) {
        operations.labelValues(kind, state).inc();
    }

    void exec(String via, boolean ok) {
        execs.labelValues(via, ok ? "ok" : "failed").inc();
    }

    @Override
    public MetricSnapshots scrape() {
        return metrics.scrape();
    }
}
