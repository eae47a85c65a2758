package dev.cmux.gateway.exchange;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams are passed on as they come: the backend sends a first event and then waits until the client has it
 * before it sends the second. A gateway that buffered would leave the client waiting and the test would fail.
 */
class StreamingTest {

    private static final int VMID = 201;

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;
    private final CountDownLatch clientHasFirst = new CountDownLatch(1);

    @AfterEach
    void stop() throws IOException {
        clientHasFirst.countDown();
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private boolean answer(MiniHttpServer.Request r, OutputStream out) throws IOException {
        boolean sse = r.target().equals("/events");
        String type = sse ? "text/event-stream" : "application/x-ndjson";
        if (sse) {
            // SSE as servers usually send it: no length, no chunking, the stream ends with the connection
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Type: " + type, "Cache-Control: no-cache",
                    "Connection: close");
        } else {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Type: " + type, "Transfer-Encoding: chunked");
        }
        write(out, sse, sse ? "id: 1\ndata: first\n\n" : "{\"type\":\"stdout\",\"data\":\"first\"}\n");
        try {
            if (!clientHasFirst.await(20, TimeUnit.SECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        write(out, sse, sse ? "id: 2\ndata: second\n\n" : "{\"type\":\"exit\",\"code\":0}\n");
        if (!sse) {
            MiniHttpServer.endChunks(out);
        }
        return !sse;
    }

    private static void write(OutputStream out, boolean raw, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (raw) {
            out.write(bytes);
            out.flush();
        } else {
            MiniHttpServer.writeChunk(out, bytes);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void serverSentEventsArriveOneByOne(Transport transport) throws Exception {
        String[] lines = readTwoEvents(transport, "/events", "data: ");
        assertEquals("data: first", lines[0]);
        assertEquals("data: second", lines[1]);
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void ndjsonChunksArriveOneByOne(Transport transport) throws Exception {
        String[] lines = readTwoEvents(transport, "/exec", "{");
        assertTrue(lines[0].contains("\"first\""), lines[0]);
        assertTrue(lines[1].contains("\"exit\""), lines[1]);
    }

    private String[] readTwoEvents(Transport transport, String path, String prefix) throws Exception {
        backend = new MiniHttpServer(this::answer);
        gateway = GatewayUnderTest.start(transport, VMID);
        HttpResponse<InputStream> response = GatewayUnderTest.client().send(gateway.request(host(backend.port(), VMID),
                path).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        String[] events = new String[2];
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            int found = 0;
            String line;
            while (found < 2 && (line = reader.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    events[found++] = line;
                    clientHasFirst.countDown(); // only now may the backend send the second
                }
            }
        }
        return events;
    }
}
