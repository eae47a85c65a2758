package dev.cmux.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WrkOutputTest {

    /** wrk 4.1's report with --latency, as run.sh's wrk runs printed it. */
    private static final String REPORT = """
            Running 6s test @ http://127.0.0.1:18083/19b
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.10ms  812.00us  41.30ms   91.02%
                Req/Sec    30.81k     1.20k   33.10k    80.00%
              Latency Distribution
                 50%    1.98ms
                 75%    2.31ms
                 90%    2.80ms
                 99%  812.00us
              184803 requests in 6.00s, 32.08MB read
              Socket errors: connect 1, read 2, write 3, timeout 4
              Non-2xx or 3xx responses: 5
            Requests/sec:  30800.50
            Transfer/sec:      5.35MB
            """;

    @Test
    void takesTheCountTheMedianAndTheTailAndAddsUpEveryError() {
        assertEquals(Optional.of(new WrkOutput(184803, 15, 1980, 812)), WrkOutput.parse(REPORT));
    }

    @Test
    void aReportWithoutACountIsNoResult() {
        assertEquals(Optional.empty(), WrkOutput.parse("unable to connect to 127.0.0.1:18083 Connection refused\n"));
    }

    @Test
    void readsEveryUnitWrkPrints() {
        assertEquals(812, WrkOutput.micros("812.00us"));
        assertEquals(1230, WrkOutput.micros("1.23ms"));
        assertEquals(2_500_000, WrkOutput.micros("2.50s"));
        assertEquals(61_200_000, WrkOutput.micros("1.02m"));
    }
}
