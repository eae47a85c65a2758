package dev.cmux.gateway.proxy;

import dev.cmux.gateway.config.PoolConfig;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keep-alive connections to backends: reused while fresh, closed before a Node server's 5 s keep-alive would close
 * them, and the one request that meets a connection the backend had just closed is retried once when nothing of it
 * can have been acted on.
 */
class BackendPoolTest {

    private static final int VMID = 230;

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;
    // one client, so one connection to the gateway: pools are per event loop, and a connection stays on its loop
    private final java.net.http.HttpClient client = GatewayUnderTest.client();

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    /** The backend answers the first request of each connection and drops the connection at the second. */
    private void startClosingAfterOne() throws Exception {
        backend = new MiniHttpServer((req, out) -> {
            if (req.indexOnConnection() > 0) {
                return false; // the race: the backend closed an idle connection just as it was reused
            }
            byte[] body = req.readBody();
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + body.length);
            out.write(body);
            return true;
        });
        gateway = GatewayUnderTest.start(Transport.best(), VMID);
    }

    @Test
    void aGetThatMeetsAStalePooledConnectionIsRetriedOnceOnAFreshOne() throws Exception {
        startClosingAfterOne();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(gateway.request(host(backend.port(), VMID), "/")
                    .build(), BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "request " + i + ": " + r.body());
        }
        assertEquals(3, backend.connections(), "each retry used a new connection");
    }

    @Test
    void aPostWithABodyIsNeverRetried() throws Exception {
        startClosingAfterOne();
        HttpResponse<String> first = client.send(gateway.request(host(backend.port(), VMID), "/")
                .POST(BodyPublishers.ofString("one")).build(), BodyHandlers.ofString());
        assertEquals("one", first.body());
        HttpResponse<String> second = client.send(gateway.request(host(backend.port(), VMID), "/")
                .POST(BodyPublishers.ofString("two")).build(), BodyHandlers.ofString());
        assertEquals(502, second.statusCode(), "the backend may have acted on it: " + second.body());
        assertEquals("backend-reset", second.headers().firstValue("X-Gateway-Error").orElseThrow());
        assertEquals(1, backend.connections());
    }

    @Test
    void idleConnectionsAreClosedAfterThePoolIdleTimeout() throws Exception {
        startWithPoolIdleTimeout(Duration.ofMillis(300));
        get();
        get();
        assertEquals(1, backend.connections(), "reused while fresh");
        Thread.sleep(600);
        get();
        assertEquals(2, backend.connections(), "a connection idle past pool.idleTimeout was closed, not reused");
    }

    @Test
    void aConnectionUsedAgainIsTimedFromItsLastUseNotItsFirst() throws Exception {
        startWithPoolIdleTimeout(Duration.ofMillis(400));
        // used every 250 ms: the pool's timer, armed when it first went idle, fires while it is not yet due
        for (int i = 0; i < 5; i++) {
            get();
            Thread.sleep(250);
        }
        assertEquals(1, backend.connections(), "never idle for pool.idleTimeout, so never closed");
        Thread.sleep(600);
        get();
        assertEquals(2, backend.connections(), "the timer re-armed for its last use and closed it then");
    }

    /** A backend answering 204 to all, behind a gateway whose pool closes connections idle for {@code idle}. */
    private void startWithPoolIdleTimeout(Duration idle) throws Exception {
        backend = new MiniHttpServer((req, out) -> {
            MiniHttpServer.writeHead(out, 204, "No Content");
            return true;
        });
        gateway = GatewayUnderTest.start(Transport.best(), c -> c.toBuilder().pool(new PoolConfig(idle, 16)).build(), VMID);
    }

    private void get() throws Exception {
        client.send(gateway.request(host(backend.port(), VMID), "/").build(), BodyHandlers.discarding());
    }
}
