package dev.cmux.gateway.server;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.ConfigReloaderAccess;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RawWebSocket;
import dev.cmux.gateway.testing.TinyDnsServer;
import dev.cmux.gateway.testing.WebSocketEchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload (SIGHUP) changes what new requests see and nothing else: 200 WebSockets keep talking across three
 * reloads, one of them of an invalid file, which is refused with its reasons while the running config stays; what
 * the data plane holds (a client's open requests, cached addresses, pooled connections) carries over.
 */
class ReloadTest {

    private static final int VMID = 300;

    @TempDir
    Path dir;

    @Test
    void webSocketsStayOpenAcrossReloadsAndAnInvalidFileChangesNothing() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        IntFunction<String> yaml = denied -> """
                listen: 127.0.0.1:0
                domain: %s
                routing: { suffix: ".lan", deniedPorts: [22, 39375, %d] }
                resolver: { static: { "%d": 127.0.0.1 }, allowedNetworks: ["127.0.0.1/32"] }
                control: { listen: "127.0.0.1:0" }
                """.formatted(GatewayUnderTest.DOMAIN, denied, VMID);
        Files.writeString(file, yaml.apply(3306));
        try (WebSocketEchoServer echo = new WebSocketEchoServer();
             MiniHttpServer web = noContent();
             GatewayUnderTest gateway = startFrom(file)) {
            ConfigReloaderAccess reloader = new ConfigReloaderAccess(file, gateway.server());
            List<RawWebSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    sockets.add(new RawWebSocket(gateway.port(), host(echo.port(), VMID)));
                }
                talk(sockets, "before");
                assertEquals(204, get(gateway, web.port()), "port " + web.port() + " is allowed");

                Files.writeString(file, yaml.apply(web.port()));
                assertEquals(List.of(), reloader.reload());
                talk(sockets, "after-1");
                assertEquals(403, get(gateway, web.port()), "the reloaded deniedPorts apply to new requests");

                Files.writeString(file, "routing: { deniedPorts: [\"not a port\"] }\nnonsense: true\n");
                List<String> refused = reloader.reload();
                assertFalse(refused.isEmpty());
                assertTrue(refused.stream().anyMatch(l -> l.contains("routing.deniedPorts[0]")), refused.toString());
                talk(sockets, "after-invalid");
                assertEquals(403, get(gateway, web.port()), "the running config stayed");

                Files.writeString(file, yaml.apply(3306));
                assertEquals(List.of(), reloader.reload());
                talk(sockets, "after-3");
                assertEquals(204, get(gateway, web.port()));
                // the last plain request's connection is on its way out
                Await.until(() -> gateway.server().openConnections() <= 200, "the plain request's connection goes");
                assertEquals(200, gateway.server().openConnections(), "not one WebSocket was closed");
            } finally {
                for (RawWebSocket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theRequestsAClientHoldsOpenStillCountAfterAReload() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                domain: %s
                routing: { suffix: ".lan" }
                resolver: { static: { "%d": 127.0.0.1 }, allowedNetworks: ["127.0.0.1/32"] }
                limits: { maxConnectionsPerClient: 1 }
                control: { listen: "127.0.0.1:0" }
                """.formatted(GatewayUnderTest.DOMAIN, VMID));
        try (WebSocketEchoServer echo = new WebSocketEchoServer();
             MiniHttpServer web = noContent();
             GatewayUnderTest gateway = startFrom(file)) {
            ConfigReloaderAccess reloader = new ConfigReloaderAccess(file, gateway.server());
            try (RawWebSocket held = new RawWebSocket(gateway.port(), host(echo.port(), VMID))) {
                assertEquals("open", held.echo("open"));
                assertEquals(429, get(gateway, web.port()), "the WebSocket is this client's one open request");

                assertEquals(List.of(), reloader.reload());
                assertEquals("still open", held.echo("still open"));
                assertEquals(429, get(gateway, web.port()), "the WebSocket opened before the reload still counts");
            }
            // the relay lets go of the permit once both sides have closed
            Await.until(() -> get(gateway, web.port()) == 204, "the permit comes back when the WebSocket closes");
        }
    }

    @Test
    void aReloadKeepsCachedAddressesAndPooledBackendConnections() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        int vmid = 301;
        try (TinyDnsServer dns = new TinyDnsServer();
             MiniHttpServer web = noContent()) {
            dns.put("cmux-" + vmid + ".lan", java.net.InetAddress.getLoopbackAddress());
            Files.writeString(file, """
                    listen: 127.0.0.1:0
                    domain: %s
                    routing: { suffix: ".lan" }
                    resolver: { nameservers: ["127.0.0.1:%d"], allowedNetworks: ["127.0.0.1/32"] }
                    control: { listen: "127.0.0.1:0" }
                    """.formatted(GatewayUnderTest.DOMAIN, dns.address().getPort()));
            try (GatewayUnderTest gateway = GatewayUnderTest.start(Transport.best(),
                    c -> ConfigReloaderAccess.load(file))) {
                ConfigReloaderAccess reloader = new ConfigReloaderAccess(file, gateway.server());
                // one client connection throughout: it stays on one event loop, whose pool holds the backend's
                HttpClient client = GatewayUnderTest.client();
                HttpRequest request = gateway.request(host(web.port(), vmid), "/").build();
                assertEquals(204, client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
                int queries = dns.queries();
                assertEquals(1, web.connections());

                assertEquals(List.of(), reloader.reload());
                assertEquals(204, client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
                assertEquals(queries, dns.queries(), "the address cached before the reload was used");
                assertEquals(1, web.connections(), "the pooled backend connection was used again");

                Files.writeString(file, Files.readString(file).replace("suffix: \".lan\"", "suffix: \".other\""));
                assertEquals(List.of(), reloader.reload());
                assertEquals(502, get(gateway, web.port(), vmid), "another suffix: cached answers go");
            }
        }
    }

    /** A gateway as the file configures it, but for the test's DNS server and networks (loopback allowed). */
    private static GatewayUnderTest startFrom(Path file) throws Exception {
        return GatewayUnderTest.start(Transport.best(), c -> ConfigReloaderAccess.load(file).toBuilder()
                .nameservers(c.resolver().nameservers()).allowedNetworks(c.resolver().allowedNetworks()).build());
    }

    /** A backend that answers every request 204 and keeps the connection. */
    private static MiniHttpServer noContent() throws java.io.IOException {
        return new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 204, "No Content");
            return true;
        });
    }

    private static void talk(List<RawWebSocket> sockets, String round) throws Exception {
        for (int i = 0; i < sockets.size(); i++) {
            String message = round + "-" + i;
            assertEquals(message, sockets.get(i).echo(message));
        }
    }

    private static int get(GatewayUnderTest gateway, int port) throws Exception {
        return get(gateway, port, VMID);
    }

    /** The client's connection closes after the answer; the gateway may keep its backend connection. */
    private static int get(GatewayUnderTest gateway, int port, int vmid) throws Exception {
        return RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(port, vmid)
                + "\r\nConnection: close\r\n\r\n", 10_000).status();
    }
}
