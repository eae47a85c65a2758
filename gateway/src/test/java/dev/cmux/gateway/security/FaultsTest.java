package dev.cmux.gateway.security;

import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RoutablePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults with a defined outcome: clients that leave mid-transfer, DNS that is gone, sandboxes that move. */
class FaultsTest {

    private static final int VMID = 270;

    private GatewayUnderTest gateway;
    private final List<AutoCloseable> peers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable p : peers) {
            p.close();
        }
    }

    @Test
    void aClientThatLeavesMidDownloadTakesTheBackendConnectionWithIt() throws Exception {
        CompletableFuture<String> backendSaw = new CompletableFuture<>();
        MiniHttpServer backend = peer(new MiniHttpServer((req, out) -> {
            if (req.target().equals("/big")) {
                MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + (1L << 30));
                byte[] block = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < (1L << 30); sent += block.length) {
                        out.write(block);
                    }
                    backendSaw.complete("sent everything");
                } catch (IOException e) {
                    backendSaw.complete("connection closed");
                    throw e;
                }
                return true;
            }
            MiniHttpServer.writeHead(out, 204, "No Content");
            return true;
        }));
        gateway = GatewayUnderTest.start(Transport.best(), VMID);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            client.getOutputStream().write(("GET /big HTTP/1.1\r\nHost: " + host(backend.port(), VMID) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            client.getInputStream().readNBytes(256 * 1024);
        }
        assertEquals("connection closed", backendSaw.get(20, TimeUnit.SECONDS));
        RawHttp.Reply next = RawHttp.send(gateway.port(), "GET /next HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nConnection: close\r\n\r\n", 10_000);
        assertEquals(204, next.status());
        assertEquals(2, backend.connections(), "the half-read connection was not returned to the pool");
        assertTrue(gateway.accessLog(2).get(0).contains("\"clientAborted\":true"), gateway.accessLog().get(0));
    }

    @Test
    void aClientThatLeavesMidUploadLeavesTheBackendWithAnUnfinishedBody() throws Exception {
        CompletableFuture<String> backendSaw = new CompletableFuture<>();
        MiniHttpServer backend = peer(new MiniHttpServer((req, out) -> {
            try {
                req.readBody();
                backendSaw.complete("whole body");
            } catch (IOException e) {
                backendSaw.complete("body ended early");
                throw e;
            }
            MiniHttpServer.writeHead(out, 204, "No Content");
            return true;
        }));
        gateway = GatewayUnderTest.start(Transport.best(), VMID);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: " + host(backend.port(), VMID) + "\r\nContent-Length: "
                    + (100 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1 << 20]);
            out.flush();
            Await.until(() -> !backend.requests().isEmpty(), "the request reaches the backend before the client goes");
        }
        assertEquals("body ended early", backendSaw.get(20, TimeUnit.SECONDS),
                "the backend never sees a shorter body as complete");
    }

    @Test
    void aDnsServerThatIsGoneGivesUnresolvedQuickly() throws Exception {
        int deadPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        int finalPort = deadPort;
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().nameservers(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), finalPort))).build());
        // a gateway that waited on the dead server without end would leave the client to its own 20 s timeout
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(8080, 271)
                + "\r\nConnection: close\r\n\r\n", 20_000);
        assertEquals(502, reply.status(), reply.text());
        assertEquals("unresolved", reply.header("X-Gateway-Error"));
        assertTrue(reply.closedByServer(), "answered within the DNS query timeout, then closed");
    }

    @Test
    void whenASandboxMovesNewConnectionsGoToItsNewAddress() throws Exception {
        InetAddress first = InetAddress.getByName("127.0.0.1");
        InetAddress second = InetAddress.getByName("127.0.0.2");
        ServerSocket probe = RoutablePorts.listen(first, 50);
        int port = probe.getLocalPort();
        probe.close();
        MiniHttpServer a = peer(MiniHttpServer.on(first, port, "a"));
        MiniHttpServer b = peer(MiniHttpServer.on(second, port, "b"));
        AtomicLong resolverNanos = new AtomicLong();
        gateway = GatewayUnderTest.start(Transport.best(), c -> moving(c), resolverNanos::get);
        gateway.dns().put("cmux-272.lan", first);
        assertTrue(get(port).endsWith("a"));
        gateway.dns().put("cmux-272.lan", second);
        resolverNanos.addAndGet(Duration.ofMillis(700).toNanos()); // past the TTL
        assertTrue(get(port).endsWith("b"), "after the TTL the new address serves");
        assertEquals(1, a.connections());
        assertEquals(1, b.connections());
    }

    private static GatewayConfig moving(GatewayConfig c) {
        return c.toBuilder().allowNetwork(Cidr.parse("127.0.0.2/32"))
                .resolverTtls(Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofMillis(200)).build();
    }

    private String get(int port) throws IOException {
        return RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(port, 272) + "\r\nConnection: close\r\n\r\n",
                10_000).text();
    }

    private <T extends AutoCloseable> T peer(T p) {
        peers.add(p);
        return p;
    }
}
