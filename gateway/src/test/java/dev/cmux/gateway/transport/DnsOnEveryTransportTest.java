package dev.cmux.gateway.transport;

import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names are resolved on {@link DnsLoops} and connected on the data plane's loops, on every transport the machine has:
 * under io_uring the answer comes on the DNS loop of its own, and the connect goes back to the io_uring loop.
 */
class DnsOnEveryTransportTest {

    private static final int VMID = 321;
    private static final String UPSTREAM_HOST = "named-upstream." + GatewayUnderTest.DOMAIN;

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void aSandboxFoundInDnsIsReached(Transport transport) throws Exception {
        try (MiniHttpServer backend = new MiniHttpServer((req, out) -> answer(out, "sandbox"));
             GatewayUnderTest gateway = GatewayUnderTest.start(transport)) {
            gateway.dns().put("cmux-" + VMID + ".lan", InetAddress.getLoopbackAddress());

            RawHttp.Reply reply = get(gateway, host(backend.port(), VMID));

            assertEquals(200, reply.status(), reply.text());
            assertTrue(reply.text().endsWith("sandbox"), reply.text());
            assertTrue(gateway.dns().queries() > 0, "asked the loopback DNS server");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void anExactHostUpstreamGivenByNameIsReached(Transport transport) throws Exception {
        try (MiniHttpServer upstream = new MiniHttpServer((req, out) -> answer(out, "upstream"));
             GatewayUnderTest gateway = GatewayUnderTest.start(transport, c -> c.toBuilder().hosts(Map.of(
                     UPSTREAM_HOST, new UpstreamRoute(URI.create("http://localhost:" + upstream.port()), null, null,
                             false))).build())) {
            RawHttp.Reply reply = get(gateway, UPSTREAM_HOST);

            assertEquals(200, reply.status(), reply.text());
            assertTrue(reply.text().endsWith("upstream"), reply.text());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void aDnsThreadOnlyUnderIoUringAndNoneOutlivesTheGateway(Transport transport) throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        List<Thread> dns;
        try (MiniHttpServer backend = new MiniHttpServer((req, out) -> answer(out, "sandbox"));
             GatewayUnderTest gateway = GatewayUnderTest.start(transport)) {
            gateway.dns().put("cmux-" + VMID + ".lan", InetAddress.getLoopbackAddress());
            assertEquals(200, get(gateway, host(backend.port(), VMID)).status(), "a query went out and was answered");
            dns = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("dns-")).toList();
        }

        assertEquals(transport == Transport.IO_URING ? 1 : 0, dns.size(), dns.toString());
        for (Thread t : dns) {
            t.join(5_000); // Netty ends a loop's thread just after its termination future completes
            assertFalse(t.isAlive(), "left behind: " + t);
        }
    }

    private static boolean answer(OutputStream out, String body) throws IOException {
        MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + body.length());
        out.write(body.getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    private static RawHttp.Reply get(GatewayUnderTest gateway, String host) throws IOException {
        return RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n",
                10_000);
    }
}
