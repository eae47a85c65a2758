package dev.cmux.control.api;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** A part of {@code GET /metrics}, e.g. the data plane's counters: what it holds at the moment of a scrape. */
@FunctionalInterface
public interface PrometheusSource {

    MetricSnapshots scrape();
}
