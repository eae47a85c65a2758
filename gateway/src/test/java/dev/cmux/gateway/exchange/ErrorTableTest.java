package dev.cmux.gateway.exchange;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RoutablePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every row of DESIGN.md's error table, produced by a real situation, with its status and X-Gateway-Error. */
class ErrorTableTest {

    private static final int LOOPBACK_VMID = 210;
    private static final int PUBLIC_VMID = 211;   // static override to a public address
    private static final int OWN_VMID = 212;      // DNS answers a loopback address that is not listed
    private static final int MISSING_VMID = 213;  // DNS says NXDOMAIN

    private GatewayUnderTest gateway;
    private final List<AutoCloseable> peers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder()
                .putStatic(PUBLIC_VMID, ConfigValues.ip("8.8.8.8"))
                .connectTimeout(Duration.ofMillis(700))
                .responseHeadersTimeout(Duration.ofMillis(700))
                .build(), LOOPBACK_VMID);
        gateway.dns().put("cmux-" + OWN_VMID + ".lan", InetAddress.getByName("127.0.0.2"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        for (AutoCloseable p : peers) {
            p.close();
        }
    }

    @Test
    void anUnknownHostIsNoRouteWithTheHelpText() throws Exception {
        HttpResponse<String> r = get("example.org", "text/plain");
        assertRow(r, 404, "no-route");
        assertTrue(r.body().contains("port-{port}-vm-{vmid}." + GatewayUnderTest.DOMAIN), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
    }

    @Test
    void browsersGetAnHtmlPageThatSaysWhichSandboxAndWhy() throws Exception {
        HttpResponse<String> r = get(host(RoutablePorts.pick(), LOOPBACK_VMID), "text/html,application/xhtml+xml");
        assertRow(r, 502, "connect-failed");
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(r.body().contains("<h1>502 Bad Gateway</h1>"), r.body());
        assertTrue(r.body().contains("sandbox vm-" + LOOPBACK_VMID), r.body());
    }

    @Test
    void aMalformedHostIsBadHost() throws Exception {
        assertRow(get("port-0-vm-" + LOOPBACK_VMID + "." + GatewayUnderTest.DOMAIN, "*/*"), 400, "bad-host");
        assertRow(get("port-80-vm-99." + GatewayUnderTest.DOMAIN, "*/*"), 400, "bad-host");
    }

    @Test
    void aDeniedPortIsPortDenied() throws Exception {
        assertRow(get(host(39375, LOOPBACK_VMID), "*/*"), 403, "port-denied");
        assertRow(get(host(22, LOOPBACK_VMID), "*/*"), 403, "port-denied");
    }

    @Test
    void anAddressOutsideTheAllowedNetworksIsAddressDenied() throws Exception {
        HttpResponse<String> r = get(host(80, PUBLIC_VMID), "*/*");
        assertRow(r, 403, "address-denied");
        assertTrue(r.body().contains("8.8.8.8"), r.body());
        assertRow(get(host(80, OWN_VMID), "*/*"), 403, "address-denied");
    }

    @Test
    void aNameThatDoesNotResolveIsUnresolved() throws Exception {
        HttpResponse<String> r = get(host(80, MISSING_VMID), "*/*");
        assertRow(r, 502, "unresolved");
        assertTrue(r.body().contains("cmux-" + MISSING_VMID + ".lan"), r.body());
    }

    @Test
    void aRefusedConnectionIsConnectFailed() throws Exception {
        assertRow(get(host(RoutablePorts.pick(), LOOPBACK_VMID), "*/*"), 502, "connect-failed");
    }

    @Test
    void aBackendThatClosesWithoutAnAnswerIsBackendReset() throws Exception {
        MiniHttpServer closing = peer(new MiniHttpServer((req, out) -> false));
        assertRow(get(host(closing.port(), LOOPBACK_VMID), "*/*"), 502, "backend-reset");
    }

    @Test
    void aBackendThatDoesNotAcceptInTimeIsConnectTimeout() throws Exception {
        // a listener whose accept queue is full: Linux drops further SYNs, so connecting hangs (no traffic leaves loopback)
        ServerSocket full = RoutablePorts.listen(InetAddress.getLoopbackAddress(), 1);
        peers.add(full);
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            peers.add(s);
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
            } catch (IOException e) {
                break; // the queue is full now
            }
        }
        assertRow(get(host(full.getLocalPort(), LOOPBACK_VMID), "*/*"), 504, "connect-timeout");
    }

    @Test
    void aBackendThatNeverAnswersIsResponseTimeout() throws Exception {
        MiniHttpServer silent = peer(new MiniHttpServer((req, out) -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }));
        assertRow(get(host(silent.port(), LOOPBACK_VMID), "*/*"), 504, "response-timeout");
    }

    @Test
    void aBackendResetAfterTheHeadersClosesTheClientConnectionInsteadOfEndingTheBody() throws Exception {
        MiniHttpServer truncating = peer(new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 100000");
            out.write(new byte[10]);
            return false;
        }));
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(truncating.port(),
                LOOPBACK_VMID) + "\r\n\r\n", 10_000);
        assertTrue(reply.text().startsWith("HTTP/1.1 200"), reply.text());
        assertTrue(reply.closedByServer(), "the client sees the connection end, not a quiet keep-alive");
        int body = reply.text().length() - reply.text().indexOf("\r\n\r\n") - 4;
        assertTrue(body < 100_000, "the truncated body is never completed: " + body);
    }

    @Test
    void invalidFramingIsBadRequestAndNeverReachesTheBackend() throws Exception {
        MiniHttpServer backend = peer(new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 0");
            return true;
        }));
        String h = "Host: " + host(backend.port(), LOOPBACK_VMID) + "\r\n";
        assertFraming(400, "POST / HTTP/1.1\r\n" + h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertFraming(501, "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n");
        assertFraming(414, "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\n" + h + "\r\n");
        assertFraming(431, "GET / HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(33 * 1024) + "\r\n\r\n");
        assertEquals(0, backend.requests().size(), "nothing was forwarded");
    }

    private void assertFraming(int status, String request) throws IOException {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), request, 10_000);
        assertEquals(status, reply.status(), reply.text());
        assertEquals("bad-request", reply.header("X-Gateway-Error"), reply.text());
        assertTrue(reply.closedByServer(), "the connection is closed after a framing error");
    }

    private static void assertRow(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, r.headers().firstValue("X-Gateway-Error").orElse(null), r.body());
        assertFalse(r.body().isBlank(), "one human sentence");
    }

    private HttpResponse<String> get(String host, String accept) throws Exception {
        return GatewayUnderTest.client().send(gateway.request(host, "/some/path?token=secret").header("Accept", accept)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private <T extends AutoCloseable> T peer(T p) {
        peers.add(p);
        return p;
    }


    /** IP literals without a lookup. */
    private static final class ConfigValues {
        static InetAddress ip(String literal) {
            try {
                return InetAddress.getByAddress(io.netty.util.NetUtil.createByteArrayFromIpAddressString(literal));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
