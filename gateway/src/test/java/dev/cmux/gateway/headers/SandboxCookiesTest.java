package dev.cmux.gateway.headers;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.PortRange;
import dev.cmux.gateway.config.UpstreamRoute;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Set-Cookie} from a sandbox, as the browser gets it through the gateway: host-only (no {@code Domain}) unless
 * the port shares cookies, never Cloudflare Access's own, and otherwise byte for byte; on the final response, a 1xx
 * and a 101. A real backend on loopback sends exact bytes, and the client reads exact bytes.
 */
class SandboxCookiesTest {

    private static final int VMID = 260;
    private static final String EXACT_HOST = "pve.example.com";

    /** What the backend sends, one header each, and for {@code /early} a 103 with its own cookie first. */
    private static final String[] FROM_THE_SANDBOX = {
        "Set-Cookie: a=1; Domain=sandbox.test; Path=/",
        "Set-Cookie: b=2; path=/; domain=.sandbox.test",
        "Set-Cookie: c=3;DOMAIN = sandbox.test ;Secure",
        "Set-Cookie: d=4; Secure; Domain; HttpOnly",
        "Set-Cookie: e=5; Domain=a.sandbox.test; Max-Age=60; dOmAiN=b.sandbox.test",
        "Set-Cookie: f=Domain=x; Path=/domain; SameSite=Lax",
        "Set-Cookie: CF_Authorization=forged; Domain=sandbox.test; Path=/",
        "Set-Cookie: cf_appsession=forged",
        "Set-Cookie: =CF_Authorization=forged",
        "Set-Cookie: CF_AppSession; Path=/",
        "Set-Cookie:  g=7 ; Expires=Wed, 09 Jun 2027 10:18:14 GMT",
    };

    private static MiniHttpServer backend;
    private GatewayUnderTest gateway;

    @BeforeAll
    static void startBackend() throws IOException {
        backend = new MiniHttpServer((req, out) -> {
            if (req.target().equals("/early")) {
                MiniHttpServer.writeHead(out, 103, "Early Hints", "Link: </app.css>; rel=preload",
                        "Set-Cookie: hint=1; Domain=sandbox.test", "Set-Cookie: CF_Authorization=early");
            }
            if (req.header("upgrade") != null) {
                MiniHttpServer.writeHead(out, 101, "Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                        "Set-Cookie: ws=1; Domain=sandbox.test; Path=/", "Set-Cookie: CF_AppSession=forged");
                return false; // the relay then closes the client connection, which ends the read
            }
            String[] head = new String[FROM_THE_SANDBOX.length + 1];
            head[0] = "Content-Length: 0";
            System.arraycopy(FROM_THE_SANDBOX, 0, head, 1, FROM_THE_SANDBOX.length);
            MiniHttpServer.writeHead(out, 200, "OK", head);
            return true;
        });
    }

    @AfterAll
    static void stopBackend() throws IOException {
        backend.close();
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    /** A gateway for this test. @param config the gateway's config, given the backend's port */
    private void start(BiFunction<GatewayConfig, Integer, GatewayConfig> config) throws Exception {
        gateway = GatewayUnderTest.start(Transport.best(), c -> config.apply(c, backend.port()), VMID);
    }

    private RawHttp.Reply get(String host, String path) throws IOException {
        return RawHttp.send(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n", 10_000);
    }

    /** The cookies the sandbox's 200 for {@code /} sets, as the client gets them. */
    private List<String> sandboxCookies() throws IOException {
        RawHttp.Reply reply = get(host(backend.port(), VMID), "/");
        assertEquals(200, reply.status(), reply.text());
        return setCookies(reply.text());
    }

    /** The values of every {@code Set-Cookie} line of {@code text}, in order, through all of its heads. */
    private static List<String> setCookies(String text) {
        List<String> values = new ArrayList<>();
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("set-cookie")) {
                values.add(line.substring(colon + 1).stripLeading());
            }
        }
        return values;
    }

    @Test
    void aSandboxLosesEveryDomainAttributeAndAccessCookiesAndKeepsTheRestByteForByte() throws Exception {
        start((c, port) -> c);
        assertEquals(List.of(
                "a=1; Path=/",
                "b=2; path=/",
                "c=3;Secure",
                "d=4; Secure; HttpOnly",
                "e=5; Max-Age=60",
                "f=Domain=x; Path=/domain; SameSite=Lax",
                "g=7 ; Expires=Wed, 09 Jun 2027 10:18:14 GMT"), sandboxCookies());
    }

    @Test
    void aSharedCookiePortKeepsDomainButNeverSetsAnAccessCookie() throws Exception {
        start((c, port) -> c.toBuilder().sharedCookiePorts(List.of(PortRange.parse(Integer.toString(port)))).build());
        assertEquals(List.of(
                "a=1; Domain=sandbox.test; Path=/",
                "b=2; path=/; domain=.sandbox.test",
                "c=3;DOMAIN = sandbox.test ;Secure",
                "d=4; Secure; Domain; HttpOnly",
                "e=5; Domain=a.sandbox.test; Max-Age=60; dOmAiN=b.sandbox.test",
                "f=Domain=x; Path=/domain; SameSite=Lax",
                "g=7 ; Expires=Wed, 09 Jun 2027 10:18:14 GMT"), sandboxCookies());
    }

    @Test
    void portsNotListedDoNotShareCookies() throws Exception {
        start((c, port) -> c.toBuilder().sharedCookiePorts(List.of(new PortRange(1, port - 1),
                new PortRange(port + 1, 65535))).build());
        List<String> cookies = sandboxCookies();
        assertEquals("a=1; Path=/", cookies.get(0), cookies.toString());
    }

    @Test
    void aCookieOnAnInformationalResponseIsConfinedToo() throws Exception {
        start((c, port) -> c);
        RawHttp.Reply reply = get(host(backend.port(), VMID), "/early");
        assertTrue(reply.text().startsWith("HTTP/1.1 103 "), reply.text());
        List<String> cookies = setCookies(reply.text());
        assertEquals("hint=1", cookies.get(0), "the 103's, then the 200's: " + cookies);
        assertEquals("a=1; Path=/", cookies.get(1), cookies.toString());
    }

    @Test
    void aCookieOnTheSwitchToWebSocketIsConfinedToo() throws Exception {
        start((c, port) -> c);
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /ws HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", 10_000);
        assertEquals(101, reply.status(), reply.text());
        assertEquals(List.of("ws=1; Path=/"), setCookies(reply.text()));
    }

    /** An exact-host route (the PVE web UI, say) is one site of its own, not a sandbox: its cookies are its business. */
    @Test
    void anExactHostRouteIsNotASandboxAndKeepsItsCookies() throws Exception {
        start((c, port) -> c.toBuilder().hosts(Map.of(EXACT_HOST, UpstreamRoute.http("127.0.0.1:" + port))).build());
        List<String> cookies = setCookies(get(EXACT_HOST, "/").text());
        assertEquals(FROM_THE_SANDBOX.length, cookies.size(), cookies.toString());
        assertEquals("a=1; Domain=sandbox.test; Path=/", cookies.get(0));
    }
}
