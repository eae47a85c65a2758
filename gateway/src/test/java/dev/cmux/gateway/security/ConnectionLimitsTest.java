package dev.cmux.gateway.security;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slow clients, greedy clients, too many clients, and requests that loop back through the gateway. */
class ConnectionLimitsTest {

    private static final int VMID = 260;

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (Socket s : sockets) {
            s.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void start(java.util.function.UnaryOperator<dev.cmux.gateway.config.GatewayConfig> config) throws Exception {
        backend = new MiniHttpServer((req, out) -> {
            if (req.target().equals("/hold")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] via = String.valueOf(req.header("via")).getBytes(StandardCharsets.US_ASCII);
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + via.length);
            out.write(via);
            return true;
        });
        gateway = GatewayUnderTest.start(Transport.best(), config, VMID);
    }

    @Test
    void aRequestHeadThatDoesNotArriveInTimeGets408AndTheConnectionCloses() throws Exception {
        start(c -> c.toBuilder().requestHeadTimeout(Duration.ofMillis(500)).build());
        RawHttp.Reply partial = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nX-Slow: ", 10_000);
        assertEquals(408, partial.status(), partial.text());
        assertEquals("request-timeout", partial.header("X-Gateway-Error"));
        assertTrue(partial.closedByServer(), "closed by the head timeout, not left open until the client gave up");
        RawHttp.Reply silent = RawHttp.send(gateway.port(), "", 10_000);
        assertEquals(408, silent.status(), "a connection that sends nothing is closed too");
        assertEquals(0, backend.requests().size());
    }

    @Test
    void oneVisitorCannotHoldMoreThanItsShareOfRequests() throws Exception {
        start(c -> withLimits(c, 1000, 2));
        List<CompletableFuture<RawHttp.Reply>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(sendAsync("/hold", "203.0.113.5"));
        }
        Await.until(() -> backend.requests().size() == 2, "both held requests reach the backend");
        RawHttp.Reply third = sendAsync("/now", "203.0.113.5").get(10, TimeUnit.SECONDS);
        assertEquals(429, third.status(), third.text());
        assertEquals("too-many-connections", third.header("X-Gateway-Error"));
        RawHttp.Reply otherVisitor = sendAsync("/now", "198.51.100.7").get(10, TimeUnit.SECONDS);
        assertEquals(200, otherVisitor.status(), "another visitor is not affected: " + otherVisitor.text());
        release.countDown();
        for (CompletableFuture<RawHttp.Reply> f : held) {
            assertEquals(200, f.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(200, sendAsync("/now", "203.0.113.5").get(10, TimeUnit.SECONDS).status(),
                "permits come back when requests end");
    }

    @Test
    void pastTheGlobalCapNewConnectionsGetAClear503() throws Exception {
        start(c -> withLimits(c, 3, 256));
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
            sockets.add(s);
        }
        Await.until(() -> gateway.server().openConnections() == 3, "the three are accepted and registered");
        RawHttp.Reply refused = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\n\r\n", 10_000);
        assertEquals(503, refused.status(), refused.text());
        assertEquals("overloaded", refused.header("X-Gateway-Error"));
        assertTrue(refused.closedByServer());
        sockets.get(0).close();
        Await.until(() -> gateway.server().openConnections() == 2, "the closed one is gone");
        assertEquals(200, RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nConnection: close\r\n\r\n", 10_000).status(), "a freed slot is used again");
    }

    @Test
    void forwardedRequestsCarryViaAndALoopIsStopped() throws Exception {
        start(c -> c);
        RawHttp.Reply once = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nVia: 1.1 cloudflare\r\nConnection: close\r\n\r\n", 10_000);
        assertTrue(once.text().endsWith("1.1 cloudflare, 1.1 cmux-gateway"), once.text());
        RawHttp.Reply looping = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nVia: 1.1 cmux-gateway, 1.1 cmux-gateway\r\nVia: 1.1 cmux-gateway\r\nConnection: close\r\n\r\n",
                10_000);
        assertEquals(508, looping.status(), looping.text());
        assertEquals("loop-detected", looping.header("X-Gateway-Error"));
        assertEquals(1, backend.requests().size());
    }

    private CompletableFuture<RawHttp.Reply> sendAsync(String path, String visitor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.send(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                        + "\r\nCf-Connecting-Ip: " + visitor + "\r\nConnection: close\r\n\r\n", 20_000);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static GatewayConfig withLimits(GatewayConfig c, int connections, int perClient) {
        return c.toBuilder().maxConnections(connections).maxConnectionsPerClient(perClient).build();
    }
}
