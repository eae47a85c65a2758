package dev.cmux.control.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.function.LongSupplier;

/**
 * Metrics registered together and scraped as one {@link PrometheusSource}, built the same way everywhere: no
 * exemplars (nothing here traces, and sampling them costs on every call), classic histograms of seconds. Each
 * part of the process has its own set, so that tests can run several gateways in one JVM.
 */
public final class MetricSet implements PrometheusSource {

    private static final double[] SECONDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
        300};

    private final PrometheusRegistry registry;

    public MetricSet() {
        this(new PrometheusRegistry());
    }

    MetricSet(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** A counter; with labels, bind each value once ({@code labelValues}) where it is counted often. */
    public Counter counter(String name, String help, String... labelNames) {
        return Counter.builder().name(name).help(help).labelNames(labelNames).withoutExemplars().register(registry);
    }

    /** A counter whose total its owner keeps, read at scrape time. */
    public void counter(String name, String help, LongSupplier total) {
        CounterWithCallback.builder().name(name).help(help).callback(c -> c.call(total.getAsLong()))
                .register(registry);
    }

    /** A gauge its owner moves up and down. */
    public Gauge gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).withoutExemplars().register(registry);
    }

    /** A gauge read at scrape time. */
    public void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(g -> g.call(value.getAsLong())).register(registry);
    }

    /** A histogram of durations in seconds, buckets from 1 ms to 5 min. */
    public Histogram seconds(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).classicOnly().classicUpperBounds(SECONDS)
                .withoutExemplars().register(registry);
    }

    @Override
    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
