package dev.cmux.gateway;

import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.control.testing.LogCapture;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.TinyDnsServer;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PVE decides which address belongs to which sandbox, not DNS (README "Sandbox addresses"). As on a home router
 * running dnsmasq, the DNS server here registers whatever name a DHCP client sends: sandbox vm-101 named itself
 * {@code cmux-100}. Each emulated container "runs" a real HTTP server on its own loopback address (127.0.0.2 for
 * vm-100, 127.0.0.3 for vm-101), all on one port, so an answer says which sandbox it came from.
 */
class SandboxAddressAuthorityTest {

    private static final InetAddress VM_100 = ip("127.0.0.2");
    private static final InetAddress VM_101 = ip("127.0.0.3");
    private static final InetAddress VM_101_RENEWED = ip("127.0.0.4");
    private static final Duration TTL = Duration.ofSeconds(30);

    private final AtomicLong resolverNanos = new AtomicLong();
    private LogCapture warnings;
    private final List<MiniHttpServer> sandboxes = new ArrayList<>();
    private PveEmulator pve;
    private TinyDnsServer dns;
    private GatewayProcess gateway;
    private int port;

    @BeforeEach
    void start() throws Exception {
        warnings = LogCapture.of("dev.cmux.gateway.resolve.BackendResolver", Level.WARNING);
        port = RoutablePorts.pick();
        sandboxes.add(MiniHttpServer.on(VM_100, port, "hello from vm 100"));
        sandboxes.add(MiniHttpServer.on(VM_101, port, "hello from vm 101"));
        pve = PveEmulator.start();
        pve.seedContainer(100, "cmux-100", true, "cmux", null);
        pve.seedContainer(101, "cmux-101", true, "cmux", null);
        pve.containerAddress(100, VM_100.getHostAddress());
        pve.containerAddress(101, VM_101.getHostAddress());
        dns = new TinyDnsServer();
        dns.put("cmux-101.lan", VM_101);
        GatewayConfig config = GatewayConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .domain("sandbox.test")
                .control(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), "t0ken-of-this-test"))
                .pve(pve.config(null))
                .suffix("lan")
                .allowedNetworks(List.of(Cidr.parse("127.0.0.0/8")))
                .nameservers(List.of(dns.address()))
                .resolverTtls(TTL, Duration.ofSeconds(20), Duration.ofSeconds(2))
                .build();
        gateway = GatewayProcess.start(config, Transport.NIO, server -> List::of,
                new MutableClock(Instant.parse("2026-12-06T12:00:00Z")), resolverNanos::get);
    }

    @AfterEach
    void stop() throws Exception {
        warnings.close();
        gateway.close();
        pve.close();
        dns.close();
        for (MiniHttpServer s : sandboxes) {
            s.close();
        }
    }

    @Test
    void aSandboxClaimingAnothersNameDoesNotGetItsTraffic() throws Exception {
        dns.put("cmux-100.lan", VM_101); // vm-101's DHCP client sent the host name cmux-100

        assertEquals("hello from vm 100", get(100));
        assertEquals("hello from vm 101", get(101));
        assertEquals("hello from vm 100", get(100), "and again, from the cache");

        assertEquals(1, mismatchesLogged(), warnings.messages().toString());
        String line = warnings.messages().stream().filter(w -> w.contains("vm-100")).findFirst().orElseThrow();
        assertTrue(line.contains("cmux-100.lan points at 127.0.0.3") && line.contains("using PVE's 127.0.0.2"), line);
        assertEquals(1.0, value(metrics(), "cmux_gateway_address_mismatch_total"));
        assertEquals(List.of(), pve.violations());
    }

    @Test
    void aSandboxWhoseNameAndPveAgreeCostsNoPveCallPerRequest() throws Exception {
        assertEquals("hello from vm 101", get(101));
        long pveCalls = pve.requests().size();
        for (int i = 0; i < 20; i++) {
            assertEquals("hello from vm 101", get(101));
        }
        assertEquals(pveCalls, pve.requests().size(), pve.requests().toString());
        assertEquals(0, mismatchesLogged(), warnings.messages().toString());
        assertEquals(0.0, value(metrics(), "cmux_gateway_address_mismatch_total"));
    }

    @Test
    void aSandboxThatMovedIsFollowedWithinTheTtl() throws Exception {
        assertEquals("hello from vm 101", get(101));
        sandboxes.get(1).close();
        sandboxes.add(MiniHttpServer.on(VM_101_RENEWED, port, "hello from vm 101 at its new address"));
        pve.containerAddress(101, VM_101_RENEWED.getHostAddress()); // its DHCP lease was renewed with another address
        dns.put("cmux-101.lan", VM_101_RENEWED);

        resolverNanos.addAndGet(TTL.plusSeconds(1).toNanos());
        assertEquals("hello from vm 101 at its new address", get(101));
        assertEquals(0, mismatchesLogged(), warnings.messages().toString());
    }

    private long mismatchesLogged() {
        return warnings.messages().stream().filter(w -> w.contains("which PVE does not report")).count();
    }

    private String get(int vmid) throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.gateway.address().getPort(), "GET / HTTP/1.1\r\nHost: port-" + port
                + "-vm-" + vmid + ".sandbox.test\r\nConnection: close\r\n\r\n", 10_000);
        assertEquals(200, reply.status(), reply.text());
        return reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4);
    }

    private String metrics() {
        return dev.cmux.control.api.MetricsText.of(gateway.gateway.metrics());
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
