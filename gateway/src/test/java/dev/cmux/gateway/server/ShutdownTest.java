package dev.cmux.gateway.server;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stop (SIGTERM) stops accepting at once and lets the request in flight finish, within the grace period. */
class ShutdownTest {

    private static final int VMID = 240;

    @Test
    void aRequestInFlightFinishesWhileNewConnectionsAreRefused() throws Exception {
        CountDownLatch backendHasRequest = new CountDownLatch(1);
        CountDownLatch mayAnswer = new CountDownLatch(1);
        try (MiniHttpServer backend = new MiniHttpServer((req, out) -> {
            backendHasRequest.countDown();
            try {
                mayAnswer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 4");
            out.write("done".getBytes());
            return true;
        })) {
            GatewayUnderTest gateway = GatewayUnderTest.start(Transport.best(),
                    c -> c.toBuilder().shutdownGrace(Duration.ofSeconds(10)).build(), VMID);
            int port = gateway.port();
            CompletableFuture<RawHttp.Reply> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.send(port, "GET /slow HTTP/1.1\r\nHost: " + host(backend.port(), VMID) + "\r\n\r\n",
                            15_000);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(backendHasRequest.await(10, TimeUnit.SECONDS));
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close);
            Await.until(() -> refused(port), "no new connections once stopping");
            mayAnswer.countDown();
            RawHttp.Reply reply = inFlight.get(15, TimeUnit.SECONDS);
            assertTrue(reply.text().startsWith("HTTP/1.1 200"), reply.text());
            assertTrue(reply.text().endsWith("done"), reply.text());
            assertEquals("close", reply.header("connection"), "the response tells the client to go elsewhere next");
            assertTrue(reply.closedByServer());
            stopping.get(15, TimeUnit.SECONDS);
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
