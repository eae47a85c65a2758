package dev.cmux.bench.harness;

import java.math.BigDecimal;
import java.util.List;

/**
 * How long and how hard each scenario runs: a full run (about 17 minutes with the build) or a smoke run (every
 * scenario for a moment, one round). Seconds may be fractions.
 *
 * @param warmup         seconds each cmux-bench run loads before it counts
 * @param wsSeconds      the WebSocket echo scenarios
 * @param nettySeconds   small-netty
 * @param wrkSeconds     the wrk scenarios (wrk takes whole seconds)
 * @param rate           the open loop's requests per second (BENCH_RATE)
 * @param rateSeconds    the open loop
 * @param idle           WebSockets the idle hold opens (BENCH_IDLE; capped by the open-file limit)
 * @param hold           seconds the idle hold keeps them open
 * @param gatewayWarmup  seconds of JIT warm-up per gateway before round 1
 * @param profileSeconds the gateway's load under JFR
 * @param jmh            the JMH options
 */
record ScenarioSizes(int rounds, double warmup, double wsSeconds, double nettySeconds, int wrkSeconds, int rate,
                     double rateSeconds, int idle, double hold, double gatewayWarmup, double profileSeconds,
                     List<String> jmh) {

    static ScenarioSizes full(int rounds) {
        // The open loop's p99 is the worst 1 % of rateSeconds * rate requests: over 6 s one 60 ms stall of this
        // shared machine (seen in every target, direct included) decides it; over 12 s a stall must last 120 ms to.
        // Not longer: the whole run, build included, stays within 20 minutes on a fresh machine.
        return new ScenarioSizes(rounds, 2, 5, 6, 6, 2000, 12, 10_000, 5, 15, 15,
                List.of("-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s"));
    }

    static ScenarioSizes smoke() {
        // Each cmux-bench run is a fresh JVM: on a busy two-core machine its first second goes to class loading and
        // the interpreter, so a window of 0.3 + 1.5 s sometimes ended before one answer counted, and the run failed.
        return new ScenarioSizes(1, 1, 2, 2, 1, 500, 2, 200, 3, 1, 2,
                List.of("-f", "1", "-wi", "0", "-i", "1", "-r", "200ms"));
    }

    ScenarioSizes withRate(int newRate) {
        return new ScenarioSizes(rounds, warmup, wsSeconds, nettySeconds, wrkSeconds, newRate, rateSeconds, idle, hold,
                gatewayWarmup, profileSeconds, jmh);
    }

    ScenarioSizes withIdle(int newIdle) {
        return new ScenarioSizes(rounds, warmup, wsSeconds, nettySeconds, wrkSeconds, rate, rateSeconds, newIdle, hold,
                gatewayWarmup, profileSeconds, jmh);
    }

    /** Seconds as the load generator's options take them: {@code 2}, {@code 0.3}. */
    static String arg(double seconds) {
        return BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
    }
}
