package dev.cmux.gateway.warmup;

import dev.cmux.control.api.MetricsText;
import dev.cmux.control.traffic.TrafficRings;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.gateway.server.GatewayServer;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class WarmUpTest {

    @Test
    void everyShapeOfTheRequestPathIsAnsweredAsAVisitorWouldSeeIt() throws Exception {
        WarmUp.Result r = WarmUp.run(Transport.best(), 12);

        // per round: the small, chunked and posted bodies, the no-route page; every tenth: the refused sandbox, and a
        // WebSocket whose frame came back
        assertEquals(Map.of(200, 36, 404, 12, 502, 2, 101, 2), r.statuses());
    }

    @Test
    void aWarmUpBegunBesideTheStartIsAwaitedBeforeListeningWithWhatItSaw() {
        Optional<WarmUp.Result> r = WarmUp.awaitBeforeListening(WarmUp.begin(Transport.best(), 2),
                Duration.ofSeconds(60));

        assertEquals(Optional.of(Map.of(200, 6, 404, 2, 502, 1, 101, 1)), r.map(WarmUp.Result::statuses));
    }

    @Test
    void aWarmUpThatFailedOrIsPastItsBudgetLetsTheGatewayListenWithoutIt() {
        CompletableFuture<WarmUp.Result> failed = CompletableFuture.failedFuture(new IOException("loopback refused"));
        CompletableFuture<WarmUp.Result> neverEnds = new CompletableFuture<>();

        assertEquals(Optional.empty(), WarmUp.awaitBeforeListening(failed, Duration.ofSeconds(60)));
        assertEquals(Optional.empty(), WarmUp.awaitBeforeListening(neverEnds, Duration.ofMillis(1)));
    }

    @Test
    void theRealListenerCountsAndLogsNoneOfIt() throws Exception {
        Clock now = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
        TrafficRings traffic = GatewayError.trafficRings(now);
        DataPlaneLinks links = DataPlaneLinks.standalone().withTrafficRings(traffic);
        List<String> accessLog = new CopyOnWriteArrayList<>();
        GatewayConfig config = GatewayConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build();
        try (GatewayServer real = GatewayServer.start(config, Transport.best(), accessLog::add, links)) {
            WarmUp.run(Transport.best(), 3);

            String text = MetricsText.of(links.metrics());
            for (String c : List.of("2", "4", "5")) {
                assertEquals(0, value(text, "cmux_gateway_requests_total{class=\"" + c + "xx\"}"), text);
            }
            assertEquals(List.of(), accessLog);
            assertEquals(GatewayError.trafficRings(now).view(), traffic.view(), "no traffic counted");
        }
    }

    @Test
    void nothingItStartedOutlivesIt() throws Exception {
        WarmUp.run(Transport.best(), 1);

        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("warm-up-app")) {
                t.join(5_000); // Netty ends a loop's thread just after its termination future completes
                assertFalse(t.isAlive(), "the warm-up's app loop still runs: " + t);
            }
        }
    }
}
