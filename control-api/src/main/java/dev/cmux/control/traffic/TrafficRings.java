package dev.cmux.control.traffic;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests, errors by {@code X-Gateway-Error} code and latency over the last hour, overall and per sandbox, kept in
 * memory for the operator's page ({@code GET /v1/traffic}). The data plane records every finished exchange. A
 * sandbox gets its ring once a request of its reached it (the rule of the activity record), so requests for
 * made-up vmids count only overall; at most {@link #MAX_SANDBOXES} rings, after which a ring quiet for an hour is
 * handed on, and otherwise the new sandbox counts only overall.
 */
public final class TrafficRings {

    static final int MAX_SANDBOXES = 1024;
    static final String OTHER = "other";

    private final Clock clock;
    private final List<String> codes;
    private final Map<String, Integer> codeIndex = new LinkedHashMap<>();
    private final TrafficRing overall;
    private final ConcurrentHashMap<Integer, TrafficRing> sandboxes = new ConcurrentHashMap<>();

    /** @param errorCodes the codes the data plane answers with; any other counts as {@code other} */
    public TrafficRings(Clock clock, List<String> errorCodes) {
        this.clock = clock;
        List<String> all = new ArrayList<>(errorCodes.stream().distinct().toList());
        all.add(OTHER);
        this.codes = List.copyOf(all);
        for (int i = 0; i < codes.size(); i++) {
            codeIndex.put(codes.get(i), i);
        }
        this.overall = new TrafficRing(codes.size());
    }

    /**
     * One finished exchange. Called on event loops: a clock read, a map look-up and three atomic increments per ring.
     *
     * @param vmid    the sandbox it was for, or 0 for none (no route, an exact-host route)
     * @param reached whether a connection to the sandbox was made: only then may it get a ring of its own
     * @param error   its {@code X-Gateway-Error} code, or null
     */
    public void record(int vmid, boolean reached, String error, long nanos) {
        long minute = clock.millis() / 60_000;
        int errorIndex = error == null ? -1 : codeIndex.getOrDefault(error, codes.size() - 1);
        overall.record(minute, errorIndex, nanos);
        if (vmid <= 0) {
            return;
        }
        TrafficRing ring = sandboxes.get(vmid);
        if (ring == null && reached) {
            ring = ringFor(vmid, minute);
        }
        if (ring != null) {
            ring.record(minute, errorIndex, nanos);
        }
    }

    private TrafficRing ringFor(int vmid, long minute) {
        if (sandboxes.size() >= MAX_SANDBOXES) {
            // rare (a thousand sandboxes seen): drop one that had nothing for an hour, else count this one overall
            sandboxes.entrySet().stream().filter(e -> minute - e.getValue().lastMinute() >= TrafficRing.MINUTES)
                    .findAny().ifPresent(e -> sandboxes.remove(e.getKey(), e.getValue()));
            if (sandboxes.size() >= MAX_SANDBOXES) {
                return null;
            }
        }
        return sandboxes.computeIfAbsent(vmid, v -> new TrafficRing(codes.size()));
    }

    /** The JSON of {@code GET /v1/traffic}: the hour up to now, oldest minute first, overall and by vmid. */
    public Map<String, Object> view() {
        long nowMillis = clock.millis();
        long minute = nowMillis / 60_000;
        Map<String, Object> bySandbox = new LinkedHashMap<>();
        new TreeMap<>(sandboxes).forEach((vmid, ring) -> bySandbox.put(String.valueOf(vmid), ring.view(minute, codes)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bucketSeconds", 60);
        json.put("firstMinute", Instant.ofEpochMilli((minute - (TrafficRing.MINUTES - 1)) * 60_000)
                .toString());
        json.put("overall", overall.view(minute, codes));
        json.put("sandboxes", bySandbox);
        return json;
    }
}
