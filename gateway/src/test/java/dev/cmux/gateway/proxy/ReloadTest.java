package dev.cmux.gateway.proxy;

import dev.cmux.gateway.ConfigReloaderAccess;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RawWebSocket;
import dev.cmux.gateway.testing.WebSocketEchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * reloads, one of them of an invalid file, which is refused with its reasons while the running config stays.
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
             MiniHttpServer web = new MiniHttpServer((req, out) -> {
                 MiniHttpServer.writeHead(out, 204, "No Content");
                 return true;
             });
             GatewayUnderTest gateway = GatewayUnderTest.start(Transport.best(),
                     c -> ConfigReloaderAccess.load(file).toBuilder().nameservers(c.resolver().nameservers())
                             .allowedNetworks(c.resolver().allowedNetworks()).build())) {
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
                for (int i = 0; i < 100 && gateway.server().openConnections() > 200; i++) {
                    Thread.sleep(20); // the last plain request's connection is on its way out
                }
                assertEquals(200, gateway.server().openConnections(), "not one WebSocket was closed");
            } finally {
                for (RawWebSocket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static void talk(List<RawWebSocket> sockets, String round) throws Exception {
        for (int i = 0; i < sockets.size(); i++) {
            String message = round + "-" + i;
            assertEquals(message, sockets.get(i).echo(message));
        }
    }

    private static int get(GatewayUnderTest gateway, int port) throws Exception {
        return RawHttp.send(gateway.port(), "GET / HTTP/1.1\r\nHost: " + host(port, VMID)
                + "\r\nConnection: close\r\n\r\n", 10_000).status();
    }
}
