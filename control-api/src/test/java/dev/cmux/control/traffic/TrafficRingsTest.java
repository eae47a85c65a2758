package dev.cmux.control.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.sandbox.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficRingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = 1_000_000;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final TrafficRings rings = new TrafficRings(clock, List.of("connect-failed", "unresolved",
            "connect-failed"));

    private JsonNode view() {
        return JSON.valueToTree(rings.view());
    }

    @Test
    void theLastMinuteCountsRequestsErrorsAndLatencyOverallAndPerSandbox() {
        for (int i = 0; i < 98; i++) {
            rings.record(200, true, null, 3 * MS);
        }
        rings.record(200, true, "connect-failed", 40 * MS);
        rings.record(200, true, "made-up-code", 40 * MS);
        rings.record(0, false, "unresolved", 1 * MS);

        JsonNode overall = view().path("overall");
        assertEquals(60, overall.path("requests").size());
        assertEquals(101, overall.path("requests").get(59).asLong());
        assertEquals(0, overall.path("requests").get(58).asLong());
        assertEquals(1, overall.path("errors").path("unresolved").get(59).asLong());
        assertEquals(1, overall.path("errors").path("other").get(59).asLong(), "an unknown code counts as other");
        JsonNode vm = view().path("sandboxes").path("200");
        assertEquals(100, vm.path("requests").get(59).asLong());
        assertEquals(1, vm.path("errors").path("connect-failed").get(59).asLong());
        assertFalse(vm.path("errors").has("unresolved"), "codes that did not occur are left out");
        assertEquals(5.0, vm.path("p50Ms").get(59).asDouble(), "3 ms lies in the bin up to 5 ms");
        assertEquals(50.0, vm.path("p99Ms").get(59).asDouble(), "the 99th of 100 is a 40 ms one: bin up to 50 ms");
        assertTrue(vm.path("p50Ms").get(58).isNull(), "a minute without requests has no latency");
    }

    @Test
    void minutesMoveAlongTheRingAndAnHourLaterTheyAreGone() {
        rings.record(200, true, null, MS);
        clock.advance(Duration.ofMinutes(1));
        rings.record(200, true, null, MS);
        rings.record(200, true, null, MS);
        JsonNode requests = view().path("sandboxes").path("200").path("requests");
        assertEquals(1, requests.get(58).asLong());
        assertEquals(2, requests.get(59).asLong());

        clock.advance(Duration.ofMinutes(59));
        requests = view().path("sandboxes").path("200").path("requests");
        assertEquals(2, requests.get(0).asLong(), "59 minutes later the second minute is the oldest");
        clock.advance(Duration.ofMinutes(1));
        rings.record(200, true, null, MS); // lands in the slot the first minute used
        requests = view().path("sandboxes").path("200").path("requests");
        long total = 0;
        for (JsonNode n : requests) {
            total += n.asLong();
        }
        assertEquals(1, total, "an hour on, only the new request is left");
    }

    @Test
    void aSandboxGetsARingOnlyOnceARequestReachedIt() {
        rings.record(4242, false, "unresolved", MS);
        assertFalse(view().path("sandboxes").has("4242"), "a made-up vmid does not grow the table");
        assertEquals(1, view().path("overall").path("requests").get(59).asLong());
        rings.record(300, true, null, MS);
        rings.record(300, false, "connect-failed", MS);
        assertEquals(2, view().path("sandboxes").path("300").path("requests").get(59).asLong(),
                "once it has a ring, its failures count there too");
    }

    @Test
    void theTableOfSandboxesIsBoundedAndHandsOnRingsQuietForAnHour() {
        for (int vmid = 1000; vmid < 1000 + TrafficRings.MAX_SANDBOXES; vmid++) {
            rings.record(vmid, true, null, MS);
        }
        rings.record(99_999, true, null, MS);
        assertFalse(view().path("sandboxes").has("99999"), "the table is full");
        clock.advance(Duration.ofMinutes(60));
        rings.record(99_999, true, null, MS);
        assertTrue(view().path("sandboxes").has("99999"), "a ring quiet for an hour was handed on");
        assertEquals(TrafficRings.MAX_SANDBOXES, view().path("sandboxes").size());
    }

    @Test
    void latencyBinsRoundUpToTheirBound() {
        assertEquals(0, LatencyBins.of(0));
        assertEquals(0, LatencyBins.of(250_000));
        assertEquals(1, LatencyBins.of(251_000));
        assertEquals(LatencyBins.COUNT - 1, LatencyBins.of(Duration.ofHours(1).toNanos()));
        assertEquals(null, LatencyBins.quantileMillis(new long[LatencyBins.COUNT], 0.5));
    }
}
