package dev.cmux.bench.report;

import com.fasterxml.jackson.databind.JsonNode;

/** One measured invocation: a load result plus the harness's process metrics for the same target and round. */
record Run(String scenario, String target, int round, JsonNode load, JsonNode metrics) {

    double load(String field) {
        JsonNode v = load.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    double metric(String field) {
        JsonNode v = metrics == null ? null : metrics.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    /**
     * CPU of the proxy (all its processes) over the whole invocation, per exchange, in microseconds: {@code
     * cpuSeconds} for all of it, {@code userSeconds} or {@code systemSeconds} for user space or the kernel.
     */
    double microsPerExchange(String cpuField) {
        return metric(cpuField) * 1e6 / load("countAll");
    }

    /** Resident memory the proxy gained per held WebSocket, in KB (1000 bytes). */
    double rssPerConnectionKb() {
        return (metric("rssHoldKb") - metric("rssBeforeKb")) * 1.024 / load("verified");
    }

    /** Live Java heap the gateway gained per held WebSocket (after a full GC on both sides), in KB. */
    double heapPerConnectionKb() {
        return (metric("heapHoldKb") - metric("heapBeforeKb")) * 1.024 / load("verified");
    }
}
