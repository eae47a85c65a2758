package dev.cmux.gateway.metrics;

import dev.cmux.control.api.MetricsText;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GatewayMetricsTest {

    private final GatewayMetrics metrics = new GatewayMetrics();

    @Test
    void theLabelValuesKnownInAdvanceShowFromTheFirstScrape() {
        String text = MetricsText.of(metrics);
        for (int c = 1; c <= 5; c++) {
            assertEquals(0, value(text, "cmux_gateway_requests_total{class=\"" + c + "xx\"}"), text);
        }
        assertEquals(0, value(text, "cmux_gateway_errors_total{code=\"port-denied\"}"), text);
        assertEquals(0, value(text, "cmux_gateway_wakes_total{result=\"failed\"}"), text);
        assertEquals(0, value(text, "cmux_gateway_lifecycle_actions_total{action=\"stop\",reason=\"autoStop\"}"), text);
    }

    @Test
    void requestsAreCountedByClassErrorCodeAndBytes() {
        metrics.request(200, null, 10, 1000);
        metrics.request(502, "connect-failed", 0, 120);
        metrics.request(502, "connect-failed", 0, 120);
        metrics.request(404, "no-route", 0, 80);
        assertSeries(MetricsText.of(metrics), Map.of(
                "cmux_gateway_requests_total{class=\"2xx\"}", 1.0,
                "cmux_gateway_requests_total{class=\"4xx\"}", 1.0,
                "cmux_gateway_requests_total{class=\"5xx\"}", 2.0,
                "cmux_gateway_errors_total{code=\"connect-failed\"}", 2.0,
                "cmux_gateway_errors_total{code=\"no-route\"}", 1.0,
                "cmux_gateway_received_bytes_total", 10.0,
                "cmux_gateway_sent_bytes_total", 1320.0));
    }

    @Test
    void durationsFallIntoBucketsOfSecondsFromOneMillisecondToFiveMinutes() {
        metrics.connected(TimeUnit.MILLISECONDS.toNanos(3));
        metrics.responseHead(TimeUnit.SECONDS.toNanos(400));
        String text = MetricsText.of(metrics);
        assertEquals(0, value(text, "cmux_gateway_upstream_connect_seconds_bucket{le=\"0.001\"}"), text);
        assertEquals(1, value(text, "cmux_gateway_upstream_connect_seconds_bucket{le=\"0.005\"}"), text);
        assertEquals(1, value(text, "cmux_gateway_upstream_connect_seconds_count"), text);
        assertEquals(0.003, value(text, "cmux_gateway_upstream_connect_seconds_sum"), 1e-9, text);
        assertEquals(0, value(text, "cmux_gateway_upstream_response_header_seconds_bucket{le=\"300.0\"}"), text);
        assertEquals(1, value(text, "cmux_gateway_upstream_response_header_seconds_bucket{le=\"+Inf\"}"), text);
    }

    @Test
    void upgradedConnectionsAreCountedAndTheOpenOnesTracked() {
        metrics.upgradeOpened();
        metrics.upgradeOpened();
        metrics.upgradeClosed();
        String text = MetricsText.of(metrics);
        assertEquals(2, value(text, "cmux_gateway_upgrades_total"), text);
        assertEquals(1, value(text, "cmux_gateway_upgraded_connections"), text);
    }

    @Test
    void wakesAndLifecycleActionsAreCountedByResult() {
        metrics.wake("woken", TimeUnit.SECONDS.toNanos(2));
        metrics.wake("limited", 0);
        metrics.wokenRequest();
        metrics.lifecycle("suspend", "autoStop");
        metrics.lifecycle("destroy", "ttl");
        String text = MetricsText.of(metrics);
        assertEquals(1, value(text, "cmux_gateway_wakes_total{result=\"woken\"}"), text);
        assertEquals(1, value(text, "cmux_gateway_wakes_total{result=\"limited\"}"), text);
        assertEquals(1, value(text, "cmux_gateway_wake_duration_seconds_count"), "only a wake that woke is timed");
        assertEquals(1, value(text, "cmux_gateway_woken_requests_total"), text);
        assertEquals(1, value(text, "cmux_gateway_lifecycle_actions_total{action=\"suspend\",reason=\"autoStop\"}"),
                text);
        assertEquals(1, value(text, "cmux_gateway_lifecycle_actions_total{action=\"destroy\",reason=\"ttl\"}"), text);
        assertEquals(0, value(text, "cmux_gateway_lifecycle_actions_total{action=\"destroy\",reason=\"autoDelete\"}"),
                text);
    }

    @Test
    void gaugesAreReadFromTheirSourcesAtEachScrape() {
        long[] open = {7};
        metrics.sources(new GatewayMetrics.Sources(() -> open[0], () -> 2, () -> 30, () -> 4, () -> 1, () -> 3,
                () -> 5));
        assertSeries(MetricsText.of(metrics), Map.of(
                "cmux_gateway_client_connections", 7.0,
                "cmux_gateway_pool_idle_connections", 2.0,
                "cmux_gateway_resolver_hits_total", 30.0,
                "cmux_gateway_resolver_misses_total", 4.0,
                "cmux_gateway_resolver_evictions_total", 1.0,
                "cmux_gateway_resolver_entries", 3.0,
                "cmux_gateway_address_mismatch_total", 5.0));
        open[0] = 9;
        assertEquals(9, value(MetricsText.of(metrics), "cmux_gateway_client_connections"));
    }

    @Test
    void twoGatewaysInOneJvmCountApart() {
        GatewayMetrics other = new GatewayMetrics();
        other.wokenRequest();
        assertEquals(0, value(MetricsText.of(metrics), "cmux_gateway_woken_requests_total"));
        assertEquals(1, value(MetricsText.of(other), "cmux_gateway_woken_requests_total"));
    }

    /** Each series of {@code expected} has its value in the scraped {@code text}. */
    private static void assertSeries(String text, Map<String, Double> expected) {
        expected.forEach((series, v) -> assertEquals(v, value(text, series), 0.0, series + " in:\n" + text));
    }
}
