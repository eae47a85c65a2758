package dev.cmux.gateway.headers;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.UnaryOperator;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** X-Forwarded-* as the backend sees them, from cloudflared on loopback (trusted) and from anyone else. */
class ForwardedHeadersTest {

    private static final int VMID = 220;

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    private MiniHttpServer.Request send(UnaryOperator<dev.cmux.gateway.config.GatewayConfig> config) throws Exception {
        backend = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 204, "No Content");
            return true;
        });
        gateway = GatewayUnderTest.start(Transport.best(), config, VMID);
        HttpResponse<Void> r = GatewayUnderTest.client().send(gateway.request(host(backend.port(), VMID), "/")
                .header("Cf-Connecting-Ip", "203.0.113.9")
                .header("X-Forwarded-For", "198.51.100.1, 192.0.2.77")
                .header("X-Forwarded-Proto", "https")
                .header("X-Real-Ip", "198.51.100.2")
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, r.statusCode());
        return backend.requests().get(0);
    }

    @Test
    void fromATrustedProxyTheVisitorAndHttpsAreBelieved() throws Exception {
        MiniHttpServer.Request seen = send(c -> c);
        assertEquals("203.0.113.9", seen.header("x-forwarded-for"), "the visitor cloudflared saw, and only that");
        assertEquals("https", seen.header("x-forwarded-proto"), "VS Code needs to know it is served over https");
        assertEquals(host(backend.port(), VMID), seen.header("x-forwarded-host"));
        assertEquals("203.0.113.9", seen.header("cf-connecting-ip"));
        assertTrue(gateway.accessLog(1).get(0).contains("\"client\":\"203.0.113.9\""), gateway.accessLog(1).get(0));
    }

    @Test
    void fromAnUntrustedPeerForwardingHeadersAreReplaced() throws Exception {
        MiniHttpServer.Request seen = send(c -> c.toBuilder().trustedProxies(List.of(Cidr.parse("10.0.0.0/8"))).build());
        assertEquals("127.0.0.1", seen.header("x-forwarded-for"));
        assertEquals("http", seen.header("x-forwarded-proto"));
        assertEquals(host(backend.port(), VMID), seen.header("x-forwarded-host"));
        assertNull(seen.header("cf-connecting-ip"), "a peer cannot claim to be cloudflared");
        assertNull(seen.header("x-real-ip"));
        assertTrue(gateway.accessLog(1).get(0).contains("\"client\":\"127.0.0.1\""), gateway.accessLog(1).get(0));
    }

    @Test
    void theAccessLogHasNoQueryStringAndNoCredentials() throws Exception {
        backend = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 204, "No Content");
            return true;
        });
        gateway = GatewayUnderTest.start(Transport.best(), VMID);
        GatewayUnderTest.client().send(gateway.request(host(backend.port(), VMID), "/socket.io/?auth=eyJhbGciOi.secret&EIO=4")
                .header("Authorization", "Bearer very-secret-token")
                .header("Cookie", "session=also-secret").build(), HttpResponse.BodyHandlers.discarding());
        String line = gateway.accessLog(1).get(0);
        assertTrue(line.contains("\"path\":\"/socket.io/\""), line);
        assertTrue(!line.contains("secret") && !line.contains("auth=") && !line.contains("EIO"), line);
    }
}
