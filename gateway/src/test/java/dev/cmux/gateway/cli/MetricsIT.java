package dev.cmux.gateway.cli;

import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RawWebSocket;
import dev.cmux.gateway.testing.WebSocketEchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Known traffic through the shaded jar, then a scrape of the control API's {@code GET /metrics}. */
class MetricsIT {

    @TempDir
    Path dir;

    @Test
    void theCountersSayWhatTrafficPassed() throws Exception {
        try (WebSocketEchoServer echo = new WebSocketEchoServer();
             MiniHttpServer web = new MiniHttpServer((req, out) -> {
                 byte[] body = new byte[1000];
                 MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + body.length);
                 out.write(body);
                 return true;
             })) {
            int dataPort = RoutablePorts.pick();
            int controlPort = RoutablePorts.pick();
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, "listen: 127.0.0.1:" + dataPort + "\ndomain: sandbox.test\n"
                    + "control: { listen: \"127.0.0.1:" + controlPort + "\" }\nrouting: { suffix: \"\" }\n"
                    + "resolver: { static: { \"200\": 127.0.0.1 }, allowedNetworks: [\"127.0.0.1/32\"] }\n");
            GatewayJar gateway = GatewayJar.start(config, Map.of());
            try {
                String web200 = "GET / HTTP/1.1\r\nHost: port-" + web.port() + "-vm-200.sandbox.test\r\nConnection: close\r\n\r\n";
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, RawHttp.send(dataPort, web200, 10_000).status());
                }
                assertEquals(404, RawHttp.send(dataPort, "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n", 10_000).status());
                assertEquals(403, RawHttp.send(dataPort, "GET / HTTP/1.1\r\nHost: port-22-vm-200.sandbox.test\r\n\r\n",
                        10_000).status());
                try (RawWebSocket ws = new RawWebSocket(dataPort, "port-" + echo.port() + "-vm-200.sandbox.test")) {
                    assertEquals("hello", ws.echo("hello"));
                    String open = scrape(controlPort);
                    assertEquals(1, value(open, "cmux_gateway_upgraded_connections"), open);
                }
                // the WebSocket's access-log line is written once both sides have closed: scrape until it counts
                String metrics = scrapeUntil(controlPort, "cmux_gateway_requests_total{class=\"1xx\"}", 1);
                assertEquals(3, value(metrics, "cmux_gateway_requests_total{class=\"2xx\"}"), metrics);
                assertEquals(1, value(metrics, "cmux_gateway_requests_total{class=\"1xx\"}"), "the 101");
                assertEquals(2, value(metrics, "cmux_gateway_requests_total{class=\"4xx\"}"), metrics);
                assertEquals(1, value(metrics, "cmux_gateway_errors_total{code=\"no-route\"}"), metrics);
                assertEquals(1, value(metrics, "cmux_gateway_errors_total{code=\"port-denied\"}"), metrics);
                assertEquals(1, value(metrics, "cmux_gateway_upgrades_total"), metrics);
                assertEquals(0, value(metrics, "cmux_gateway_upgraded_connections"), metrics);
                assertTrue(value(metrics, "cmux_gateway_sent_bytes_total") >= 3000, metrics);
                double connects = value(metrics, "cmux_gateway_upstream_connect_seconds_count");
                assertTrue(connects >= 2 && connects <= 4, "one or two pooled connections for the web requests "
                        + "(a pool per event loop), one for the WebSocket: " + connects);
                assertEquals(4, value(metrics, "cmux_gateway_upstream_response_header_seconds_count"), metrics);
                assertTrue(value(metrics, "cmux_gateway_resolver_hits_total") >= 3, metrics);
                assertTrue(value(metrics, "jvm_memory_heap_used_bytes") > 0, metrics);
                assertTrue(value(metrics, "jvm_memory_used_bytes{area=\"heap\"}") > 0, "the library's JVM metrics");
                assertTrue(value(metrics, "jvm_threads_live") > 0, metrics);
                assertTrue(value(metrics, "process_uptime_seconds") >= 0, metrics);
                assertTrue(value(metrics, "cmux_gateway_netty_direct_memory_bytes") >= 0, metrics);
                assertEquals(connects, value(metrics, "cmux_gateway_upstream_connect_seconds_bucket{le=\"300.0\"}"),
                        "buckets from 1 ms to 5 min, as before the library: " + metrics);
            } finally {
                gateway.close();
            }
        }
    }

    private static String scrape(int controlPort) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + controlPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** Scrapes until {@code series} reaches {@code expected} (each scrape is a real request; 10 s at most). */
    private static String scrapeUntil(int controlPort, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String metrics = scrape(controlPort);
        while (value(metrics, series) != expected && System.nanoTime() < deadline) {
            metrics = scrape(controlPort);
        }
        return metrics;
    }
}
