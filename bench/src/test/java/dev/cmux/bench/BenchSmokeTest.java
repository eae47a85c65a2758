package dev.cmux.bench;

import dev.cmux.bench.backend.BenchBackend;
import dev.cmux.bench.load.HttpLoad;
import dev.cmux.bench.load.IdleWebSockets;
import dev.cmux.bench.load.LoadResult;
import dev.cmux.bench.load.RequestTemplate;
import dev.cmux.bench.load.Target;
import dev.cmux.bench.load.WebSocketLoad;
import dev.cmux.bench.report.Report;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the harness from rotting: every load mode runs about two seconds against an in-process backend and must
 * count answers without a single error. Nothing here judges speed.
 */
class BenchSmokeTest {

    private static final long WARMUP = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long TWO_SECONDS = TimeUnit.SECONDS.toNanos(2);

    private static BenchBackend backend;
    private static Target target;

    @BeforeAll
    static void startBackend() throws InterruptedException {
        backend = BenchBackend.start(0, 1);
        target = Target.parse("127.0.0.1:" + backend.port(), "port-" + backend.port() + "-vm-200.bench.test");
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @Test
    void closedLoopCountsSmallResponses() throws Exception {
        assertClean(new HttpLoad(target, RequestTemplate.get("/19b"), 4, 0, WARMUP, TWO_SECONDS, 1).run(), 19);
    }

    @Test
    void closedLoopCountsLargeResponses() throws Exception {
        assertClean(new HttpLoad(target, RequestTemplate.get("/10m"), 2, 0, WARMUP, TWO_SECONDS, 1).run(),
                10 * 1024 * 1024);
    }

    @Test
    void closedLoopSendsRequestBodies() throws Exception {
        assertClean(new HttpLoad(target, new RequestTemplate("/19b", 256 * 1024), 2, 0, WARMUP, TWO_SECONDS, 1).run(),
                19);
    }

    @Test
    void openLoopReportsHowLateItsTimerFired() throws Exception {
        LoadResult r = new HttpLoad(target, RequestTemplate.get("/64k"), 4, 200, WARMUP, TWO_SECONDS, 1).run();
        assertClean(r, 64 * 1024);
        assertEquals("rate", r.fields().get("mode"));
        assertEquals(200, r.fields().get("rate"));
        // the open loop's requests wait for the client's timer, which records how late it fired (how late is the
        // machine's business, not this test's; PacingTest checks the schedule)
        assertTrue(r.fields().get("clientTimerLateMaxUs") instanceof Long late && late >= 0,
                () -> r.fields().toString());
    }

    @Test
    void webSocketEchoCountsMessages() throws Exception {
        assertClean(new WebSocketLoad(target, 4, 1024, WARMUP, TWO_SECONDS, 1).run(), 1024);
    }

    @Test
    void idleHoldVerifiesEverySocket(@TempDir Path dir) throws Exception {
        Path ready = dir.resolve("ready");
        LoadResult r = new IdleWebSockets(target, 200, 50, TimeUnit.SECONDS.toNanos(20),
                TimeUnit.MILLISECONDS.toNanos(300), ready, 1).run();
        assertEquals(0, r.errors(), () -> r.fields().toString());
        assertEquals(200, r.fields().get("verified"));
        assertEquals(200, r.fields().get("stillOpenAfterHold"));
        assertEquals("verified=200\n", Files.readString(ready));
    }

    @Test
    void reportWritesTableJsonAndCharts(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw.jsonl");
        StringBuilder lines = new StringBuilder("{\"kind\":\"meta\",\"date\":\"test\",\"rounds\":3}\n");
        for (int round = 1; round <= 3; round++) {
            for (String t : new String[] {"gateway", "caddy", "nginx", "direct"}) {
                double rps = switch (t) {
                    case "caddy" -> 1000;
                    case "nginx" -> 3000;
                    case "direct" -> 6000;
                    default -> 4000 + round;
                };
                lines.append(String.format(java.util.Locale.ROOT, "{\"scenario\":\"small\",\"target\":\"%s\","
                        + "\"round\":%d,\"perSecond\":%.1f,\"bytesPerSecond\":1,\"p50us\":100,\"p99us\":900,"
                        + "\"p999us\":2000,\"errors\":0,\"count\":%d,\"countAll\":%d}\n", t, round, rps,
                        (long) rps, (long) rps));
                lines.append(String.format(java.util.Locale.ROOT, "{\"kind\":\"metrics\",\"scenario\":\"small\","
                        + "\"target\":\"%s\",\"round\":%d,\"cpuSeconds\":0.5,\"userSeconds\":0.2,\"systemSeconds\":0.3}\n",
                        t, round));
            }
        }
        for (int round = 1; round <= 3; round++) {
            lines.append(String.format(java.util.Locale.ROOT, "{\"scenario\":\"small-rate\",\"target\":\"gateway\","
                    + "\"round\":%d,\"perSecond\":200,\"bytesPerSecond\":1,\"p50us\":100,\"p99us\":900,"
                    + "\"p999us\":2000,\"errors\":0,\"count\":200,\"countAll\":200,\"clientTimerLateMaxUs\":%d}\n",
                    round, 1000 * round));
        }
        Files.writeString(raw, lines);
        new Report(raw, dir, "r").write();
        String md = Files.readString(dir.resolve("r.md"));
        assertTrue(md.contains("| small | 4.00× (1.00×) | 1.33× (1.00×) | 0.67× (1.00×) |"), md);
        // the proxy's CPU per exchange, then the same split into user space and kernel (0.5 s over ~4,002)
        assertTrue(md.contains("| 124.9 (50.0 + 75.0) | 0 |"), md);
        assertTrue(md.contains("timer fired at most this late (median over rounds of each run's maximum): gateway 2.0 ms."),
                md);
        assertTrue(Files.size(dir.resolve("r-throughput.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("r.json")).contains("\"gateway/caddy\" : 4.002"));
    }

    private static void assertClean(LoadResult r, int bodySize) {
        assertEquals(0, r.errors(), () -> r.fields().toString());
        assertTrue(r.count() > 0, () -> r.fields().toString());
        double perExchange = ((Number) r.fields().get("bytesPerSecond")).doubleValue()
                / ((Number) r.fields().get("perSecond")).doubleValue();
        assertEquals(bodySize, perExchange, bodySize * 0.01, () -> r.fields().toString());
    }
}
