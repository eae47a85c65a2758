package dev.cmux.gateway.backend;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.config.PoolConfig;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keep-alive connections to backends: reused while fresh, closed before a Node server's 5 s keep-alive would close
 * them, and the one request that meets a connection the backend had just closed is retried once when nothing of it
 * can have been acted on. Idle times run on an embedded event loop whose clock the test moves.
 */
class BackendPoolTest {

    private static final int VMID = 230;
    private static final BackendKey KEY = BackendKey.plain(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;
    // one client, so one connection to the gateway: pools are per event loop, and a connection stays on its loop
    private final java.net.http.HttpClient client = GatewayUnderTest.client();

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
            backend.close();
        }
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
    void idleConnectionsAreClosedAfterThePoolIdleTimeout() {
        BackendPool pool = pool(Duration.ofMillis(300));
        EmbeddedChannel connection = backendConnection(pool);
        pool.release(connection, KEY);
        connection.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
        assertTrue(connection.isOpen(), "not idle for pool.idleTimeout yet");
        connection.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
        assertFalse(connection.isOpen(), "closed once idle for pool.idleTimeout");
        assertNull(pool.pollIdle(KEY));
        assertEquals(0, pool.idleConnections());
    }

    @Test
    void aConnectionUsedAgainIsTimedFromItsLastUseNotItsFirst() {
        BackendPool pool = pool(Duration.ofMillis(400));
        EmbeddedChannel connection = backendConnection(pool);
        // used every 250 ms: the pool's timer, armed when it first went idle, fires while it is not yet due
        for (int i = 0; i < 5; i++) {
            pool.release(connection, KEY);
            connection.advanceTimeBy(250, TimeUnit.MILLISECONDS);
            connection.runScheduledPendingTasks();
            assertSame(connection, pool.pollIdle(KEY), "never idle for pool.idleTimeout, so never closed");
        }
        pool.release(connection, KEY);
        connection.advanceTimeBy(399, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
        assertTrue(connection.isOpen());
        connection.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        connection.runScheduledPendingTasks();
        assertFalse(connection.isOpen(), "the timer re-armed for its last use and closed it then");
    }

    /** A pool whose connections are embedded channels: their event loop's clock stands still until moved. */
    private static BackendPool pool(Duration idle) {
        return new BackendPool(new Bootstrap(), new PoolConfig(idle, 16), Duration.ofSeconds(5));
    }

    private static EmbeddedChannel backendConnection(BackendPool pool) {
        EmbeddedChannel channel = new EmbeddedChannel(new BackendHandler(KEY, pool));
        channel.freezeTime();
        return channel;
    }
}
