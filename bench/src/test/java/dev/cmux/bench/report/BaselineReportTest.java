package dev.cmux.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports from rounds written as the harness writes them: with an earlier gateway (BENCH_BASELINE_JAR) this build is
 * compared with it, and a target that measured nothing leaves a gap, not an infinite ratio.
 */
class BaselineReportTest {

    @Test
    void aRunWithABaselineComparesThisBuildWithIt(@TempDir Path dir) throws Exception {
        String md = report(dir, Map.of("gateway", 4000.0, "gateway-base", 3200.0, "nginx", 3000.0));
        assertTrue(md.contains("## This build against the baseline (gateway/gateway-base)"), md);
        // 25 % more requests in the same CPU time: each one costs 0.8 of the baseline's
        assertTrue(md.contains("| small | 1.250× | 1.000× | 0.800× |"), md);
    }

    @Test
    void aRunWithoutABaselineHasNoSuchTable(@TempDir Path dir) throws Exception {
        String md = report(dir, Map.of("gateway", 4000.0, "nginx", 3000.0));
        assertFalse(md.contains("against the baseline"), md);
    }

    @Test
    void aPeerThatMeasuredNothingGivesNoRatioAndTheReportIsStillWritten(@TempDir Path dir) throws Exception {
        // a smoke round of a second on a loaded machine: nginx answered nothing in time
        String md = report(dir, Map.of("gateway", 4000.0, "caddy", 2000.0, "nginx", 0.0));
        assertTrue(md.contains("–"), md);
        assertFalse(md.contains("Infinity") || md.contains("∞"), md);
        assertTrue(Files.size(dir.resolve("r-throughput.png")) > 0);
        assertFalse(Files.readString(dir.resolve("r.json")).contains("Infinity"));
    }

    /** Three rounds of the small scenario at {@code perSecond} per target, 0.5 s of proxy CPU each, one second. */
    private static String report(Path dir, Map<String, Double> perSecond) throws Exception {
        StringBuilder lines = new StringBuilder("{\"kind\":\"meta\",\"date\":\"test\",\"rounds\":3}\n");
        for (int round = 1; round <= 3; round++) {
            for (Map.Entry<String, Double> t : perSecond.entrySet()) {
                long count = Math.round(t.getValue());
                lines.append(String.format(Locale.ROOT, "{\"scenario\":\"small\",\"target\":\"%s\",\"round\":%d,"
                        + "\"perSecond\":%.1f,\"bytesPerSecond\":1,\"p50us\":100,\"p99us\":900,\"p999us\":2000,"
                        + "\"errors\":0,\"count\":%d,\"countAll\":%d}\n", t.getKey(), round, t.getValue(), count,
                        count));
                lines.append(String.format(Locale.ROOT, "{\"kind\":\"metrics\",\"scenario\":\"small\",\"target\":"
                        + "\"%s\",\"round\":%d,\"cpuSeconds\":0.5,\"userSeconds\":0.2,\"systemSeconds\":0.3}\n",
                        t.getKey(), round));
            }
        }
        Path raw = dir.resolve("raw.jsonl");
        Files.writeString(raw, lines);
        new Report(raw, dir, "r").write();
        return Files.readString(dir.resolve("r.md"));
    }
}
