package dev.cmux.control.traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last hour of one sandbox's (or all) traffic: {@value #MINUTES} one-minute buckets in a ring, each with a
 * request count, errors by code and a latency histogram. Written from every event loop without a lock: a bucket
 * of a past minute is replaced by a fresh one with a compare-and-set, so an increment that races the turn of the
 * minute may land in the old bucket and be lost; a chart of the hour does not miss it. Buckets are made on first
 * use, so a quiet ring costs 60 references.
 */
final class TrafficRing {

    static final int MINUTES = 60;

    private final int errorCodes;
    private final AtomicReferenceArray<Bucket> buckets = new AtomicReferenceArray<>(MINUTES);
    /** The minute of the last record, so that an old ring can be given to another sandbox when the table is full. */
    private volatile long lastMinute;

    TrafficRing(int errorCodes) {
        this.errorCodes = errorCodes;
    }

    /** @param errorIndex the index of the error's code, or -1 for an answer that was no error of the gateway's */
    void record(long minute, int errorIndex, long nanos) {
        Bucket b = bucket(minute);
        b.requests.incrementAndGet();
        if (errorIndex >= 0) {
            b.errors.incrementAndGet(errorIndex);
        }
        b.latency.incrementAndGet(LatencyBins.of(nanos));
        if (lastMinute != minute) {
            lastMinute = minute;
        }
    }

    long lastMinute() {
        return lastMinute;
    }

    private Bucket bucket(long minute) {
        int slot = (int) Math.floorMod(minute, (long) MINUTES);
        while (true) {
            Bucket b = buckets.get(slot);
            if (b != null && b.minute == minute) {
                return b;
            }
            Bucket fresh = new Bucket(minute, errorCodes);
            if (buckets.compareAndSet(slot, b, fresh)) {
                return fresh;
            }
        }
    }

    /**
     * The hour up to {@code nowMinute}, oldest minute first: {@code requests}, {@code errors} by code (codes that
     * occurred only), {@code p50Ms} and {@code p99Ms} (null in a minute without requests).
     */
    Map<String, Object> view(long nowMinute, List<String> codes) {
        List<Long> requests = new ArrayList<>(MINUTES);
        List<Double> p50 = new ArrayList<>(MINUTES);
        List<Double> p99 = new ArrayList<>(MINUTES);
        long[][] errors = new long[codes.size()][MINUTES];
        boolean[] seen = new boolean[codes.size()];
        for (int i = 0; i < MINUTES; i++) {
            long minute = nowMinute - (MINUTES - 1) + i;
            Bucket b = buckets.get((int) Math.floorMod(minute, (long) MINUTES));
            if (b == null || b.minute != minute) {
                requests.add(0L);
                p50.add(null);
                p99.add(null);
                continue;
            }
            requests.add(b.requests.get());
            long[] latency = new long[LatencyBins.COUNT];
            for (int j = 0; j < latency.length; j++) {
                latency[j] = b.latency.get(j);
            }
            p50.add(LatencyBins.quantileMillis(latency, 0.50));
            p99.add(LatencyBins.quantileMillis(latency, 0.99));
            for (int c = 0; c < codes.size(); c++) {
                errors[c][i] = b.errors.get(c);
                seen[c] |= errors[c][i] > 0;
            }
        }
        Map<String, Object> errorsByCode = new LinkedHashMap<>();
        for (int c = 0; c < codes.size(); c++) {
            if (seen[c]) {
                List<Long> series = new ArrayList<>(MINUTES);
                for (long n : errors[c]) {
                    series.add(n);
                }
                errorsByCode.put(codes.get(c), series);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requests", requests);
        json.put("errors", errorsByCode);
        json.put("p50Ms", p50);
        json.put("p99Ms", p99);
        return json;
    }

    private static final class Bucket {
        final long minute;
        final AtomicLong requests = new AtomicLong();
        final AtomicLongArray errors;
        final AtomicLongArray latency = new AtomicLongArray(LatencyBins.COUNT);

        Bucket(long minute, int errorCodes) {
            this.minute = minute;
            this.errors = new AtomicLongArray(errorCodes);
        }
    }
}
