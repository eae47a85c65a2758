package dev.cmux.bench.load;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/** One run's numbers, printed as one JSON object on stdout for {@code run.sh} to collect. */
public final class LoadResult {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    public LoadResult(String mode, Map<String, Object> parameters, Tally tally, double seconds) {
        Tally.Totals t = tally.totals();
        Histogram h = t.latency();
        fields.put("mode", mode);
        fields.putAll(parameters);
        fields.put("seconds", round(seconds));
        fields.put("count", t.count());
        fields.put("countAll", t.all());
        fields.put("errors", tally.errorCount());
        fields.put("errorKinds", tally.errorKinds());
        fields.put("perSecond", round(t.count() / seconds));
        fields.put("bytesPerSecond", round(t.bytes() / seconds));
        fields.put("p50us", h.getValueAtPercentile(50));
        fields.put("p99us", h.getValueAtPercentile(99));
        fields.put("p999us", h.getValueAtPercentile(99.9));
        fields.put("maxus", h.getMaxValue());
        fields.put("meanus", round(h.getMean()));
        fields.put("clientTimerLateMaxUs", t.maxTimerLateNanos() / 1000);
    }

    public LoadResult with(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    public long errors() {
        return ((Number) fields.get("errors")).longValue();
    }

    public long count() {
        return ((Number) fields.get("count")).longValue();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
