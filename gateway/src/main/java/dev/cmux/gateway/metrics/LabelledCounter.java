package dev.cmux.gateway.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A counter with one label whose values arrive as strings on event loops (error codes, wake results): each value is
 * bound once, then found again without a lock or an allocation (the library's own lookup builds a key per call).
 * The values known in advance show as 0 from the first scrape, so that a rate sees their first increment.
 */
final class LabelledCounter {

    private final ConcurrentHashMap<String, CounterDataPoint> bound = new ConcurrentHashMap<>();
    private final Function<String, CounterDataPoint> bind;

    LabelledCounter(Counter counter, Collection<String> known) {
        this.bind = counter::labelValues;
        known.forEach(value -> bound.computeIfAbsent(value, bind));
    }

    void inc(String value) {
        CounterDataPoint point = bound.get(value);
        if (point == null) {
            point = bound.computeIfAbsent(value, bind);
        }
        point.inc();
    }
}
