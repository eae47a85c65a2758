package dev.cmux.gateway;

import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.RoutingConfig;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.TinyDnsServer;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code routing.suffix: auto} on a PVE host takes the node's DNS search domain (the emulator says {@code lan}, as
 * a PVE host with a dnsmasq bridge does), at the start and after every reload alike.
 */
class PveSuffixReloadTest {

    private static final int VMID = 310;

    @Test
    void sandboxNamesKeepPvesSearchDomainAfterAReload() throws Exception {
        try (PveEmulator pve = PveEmulator.start();
             TinyDnsServer dns = new TinyDnsServer();
             MiniHttpServer web = new MiniHttpServer((req, out) -> {
                 MiniHttpServer.writeHead(out, 204, "No Content");
                 return true;
             })) {
            pve.seedContainer(VMID, "cmux-" + VMID, true, "cmux", null);
            pve.containerAddress(VMID, "127.0.0.1");
            dns.put("cmux-" + VMID + ".lan", InetAddress.getLoopbackAddress());
            GatewayConfig config = GatewayConfig.builder()
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .domain("sandbox.test")
                    .control(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), "t0ken-of-this-test"))
                    .pve(pve.config(null))
                    .suffix(RoutingConfig.AUTO_SUFFIX)
                    .allowedNetworks(List.of(Cidr.parse("127.0.0.1/32")))
                    .nameservers(List.of(dns.address()))
                    .build();
            // what SIGHUP runs, minus reading the file: the same config handed to the running server again
            try (GatewayProcess gateway = GatewayProcess.start(config, Transport.NIO, server -> () -> {
                try {
                    server.reconfigure(config);
                    return List.of();
                } catch (Exception e) {
                    return List.of(e.getMessage());
                }
            })) {
                assertEquals(204, get(gateway, web.port(), VMID), "at start");
                assertEquals(List.of(), gateway.reload.get());
                assertEquals(204, get(gateway, web.port(), VMID), "after the reload");
                RawHttp.Reply unknown = RawHttp.send(gateway.gateway.address().getPort(), request(web.port(), 399),
                        10_000);
                // the name in the answer shows the suffix (an address alone would not: PVE vouches for it either way)
                assertTrue(unknown.text().contains("cmux-399.lan does not resolve"), unknown.text());
            }
        }
    }

    private static int get(GatewayProcess gateway, int port, int vmid) throws Exception {
        return RawHttp.send(gateway.gateway.address().getPort(), request(port, vmid), 10_000).status();
    }

    private static String request(int port, int vmid) {
        return "GET / HTTP/1.1\r\nHost: port-" + port + "-vm-" + vmid + ".sandbox.test\r\nConnection: close\r\n\r\n";
    }
}
