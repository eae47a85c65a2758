package dev.cmux.gateway.exchange;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.Bytes;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.SubmissionPublisher;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain HTTP/1.1 through the gateway to a real loopback backend: bodies of every size and framing, keep-alive, HEAD, 204, 304, 1xx. */
class HttpProxyingTest {

    private static final int VMID = 200;
    private static final int MIB = 1024 * 1024;

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;
    private final HttpClient client = GatewayUnderTest.client();

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void start(Transport transport) throws Exception {
        backend = new MiniHttpServer(HttpProxyingTest::answer);
        gateway = GatewayUnderTest.start(transport, VMID);
    }

    /** The backend: /echo returns the body with the same framing, /sha its SHA-256, /bytes?n= and /chunked?n= make n bytes. */
    private static boolean answer(MiniHttpServer.Request r, OutputStream out) throws IOException {
        String path = r.target().split("\\?")[0];
        switch (path) {
            case "/echo" -> {
                byte[] body = r.readBody();
                if (r.header("transfer-encoding") != null) {
                    MiniHttpServer.writeHead(out, 200, "OK", "Transfer-Encoding: chunked",
                            "X-Method: " + r.method());
                    if (body.length > 0) {
                        MiniHttpServer.writeChunk(out, body);
                    }
                    MiniHttpServer.endChunks(out);
                } else {
                    MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + body.length, "X-Method: " + r.method());
                    out.write(body);
                }
            }
            case "/sha" -> {
                String sha = Bytes.sha256(r.body());
                MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + sha.length());
                out.write(sha.getBytes(StandardCharsets.US_ASCII));
            }
            case "/bytes" -> {
                long n = Long.parseLong(r.target().substring(r.target().indexOf("n=") + 2));
                MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + n);
                Bytes.writePattern(out, n);
            }
            case "/chunked" -> {
                long n = Long.parseLong(r.target().substring(r.target().indexOf("n=") + 2));
                MiniHttpServer.writeHead(out, 200, "OK", "Transfer-Encoding: chunked");
                byte[] all = Bytes.pattern((int) n);
                for (int off = 0; off < all.length; off += 100_000) {
                    MiniHttpServer.writeChunk(out, java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + 100_000)));
                }
                MiniHttpServer.endChunks(out);
            }
            case "/head" -> MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: 1234",
                    "Content-Type: text/plain");
            case "/204" -> MiniHttpServer.writeHead(out, 204, "No Content");
            case "/304" -> MiniHttpServer.writeHead(out, 304, "Not Modified", "ETag: \"v1\"");
            case "/continue" -> {
                MiniHttpServer.writeHead(out, 100, "Continue");
                out.flush();
                MiniHttpServer.writeHead(out, 103, "Early Hints", "Link: </app.css>; rel=preload");
                out.flush();
                byte[] body = r.readBody();
                MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + body.length);
                out.write(body);
            }
            default -> MiniHttpServer.writeHead(out, 404, "Not Found", "Content-Length: 0");
        }
        return true;
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void bodiesWithContentLengthArriveByteIdenticalForEveryMethod(Transport transport) throws Exception {
        start(transport);
        for (String method : List.of("POST", "PUT")) {
            for (int size : new int[] {1, 64 * 1024}) {
                byte[] body = Bytes.pattern(size);
                HttpResponse<byte[]> r = client.send(gateway.request(host(backend.port(), VMID), "/echo")
                        .method(method, BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                assertEquals(method, r.headers().firstValue("x-method").orElseThrow());
                assertArrayEquals(body, r.body(), method + " " + size);
            }
        }
        HttpResponse<String> get = client.send(gateway.request(host(backend.port(), VMID), "/echo").GET().build(),
                BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        assertEquals("", get.body());
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void chunkedBodiesArriveByteIdentical(Transport transport) throws Exception {
        start(transport);
        for (int size : new int[] {1, 64 * 1024}) {
            byte[] body = Bytes.pattern(size);
            HttpResponse<byte[]> r = client.send(gateway.request(host(backend.port(), VMID), "/echo")
                    .POST(chunked(body)).build(), BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertArrayEquals(body, r.body(), "chunked " + size);
        }
        HttpResponse<byte[]> download = client.send(gateway.request(host(backend.port(), VMID), "/chunked?n=300000")
                .build(), BodyHandlers.ofByteArray());
        assertArrayEquals(Bytes.pattern(300_000), download.body());
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void fiftyMebibytesGoUpAndComeDownByteIdentical(Transport transport) throws Exception {
        start(transport);
        byte[] big = Bytes.pattern(50 * MIB);
        String expected = Bytes.sha256(big);
        HttpResponse<String> upLength = client.send(gateway.request(host(backend.port(), VMID), "/sha")
                .POST(BodyPublishers.ofByteArray(big)).build(), BodyHandlers.ofString());
        assertEquals(expected, upLength.body(), "50 MiB upload with Content-Length");
        HttpResponse<String> upChunked = client.send(gateway.request(host(backend.port(), VMID), "/sha")
                .PUT(chunked(big)).build(), BodyHandlers.ofString());
        assertEquals(expected, upChunked.body(), "50 MiB chunked upload");
        HttpResponse<java.io.InputStream> down = client.send(gateway.request(host(backend.port(), VMID),
                "/bytes?n=" + 50 * MIB).build(), BodyHandlers.ofInputStream());
        assertEquals(String.valueOf(50 * MIB), down.headers().firstValue("content-length").orElseThrow());
        try (var in = down.body()) {
            assertEquals(expected, Bytes.sha256(in), "50 MiB download");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void hundredSequentialRequestsShareOneBackendConnection(Transport transport) throws Exception {
        start(transport);
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = client.send(gateway.request(host(backend.port(), VMID), "/echo")
                    .POST(BodyPublishers.ofString("n" + i)).build(), BodyHandlers.ofString());
            assertEquals("n" + i, r.body());
        }
        assertEquals(1, backend.connections(), "the gateway keeps its backend connection alive");
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void headAnd204And304CarryNoBodyAndKeepTheConnectionUsable(Transport transport) throws Exception {
        start(transport);
        String h = host(backend.port(), VMID);
        String requests = "HEAD /head HTTP/1.1\r\nHost: " + h + "\r\n\r\n"
                + "GET /204 HTTP/1.1\r\nHost: " + h + "\r\n\r\n"
                + "GET /304 HTTP/1.1\r\nHost: " + h + "\r\nIf-None-Match: \"v1\"\r\n\r\n"
                + "GET /bytes?n=5 HTTP/1.1\r\nHost: " + h + "\r\nConnection: close\r\n\r\n";
        RawHttp.Reply reply = RawHttp.send(gateway.port(), requests, 10_000);
        String[] responses = reply.text().split("(?=HTTP/1\\.1 )");
        assertEquals(4, responses.length, reply.text());
        assertTrue(responses[0].startsWith("HTTP/1.1 200"), responses[0]);
        assertTrue(responses[0].toLowerCase().contains("content-length: 1234"), responses[0]);
        assertTrue(responses[0].endsWith("\r\n\r\n"), "HEAD has no body: " + responses[0]);
        assertTrue(responses[1].startsWith("HTTP/1.1 204") && responses[1].endsWith("\r\n\r\n"), responses[1]);
        assertFalse(responses[1].toLowerCase().contains("transfer-encoding"), responses[1]);
        assertTrue(responses[2].startsWith("HTTP/1.1 304") && responses[2].endsWith("\r\n\r\n"), responses[2]);
        assertTrue(responses[3].startsWith("HTTP/1.1 200"), responses[3]);
        assertTrue(responses[3].endsWith("\r\n\r\n" + new String(Bytes.pattern(5), StandardCharsets.ISO_8859_1)),
                responses[3]);
        assertTrue(reply.closedByServer());
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void informationalResponsesArePassedOnBeforeTheFinalOne(Transport transport) throws Exception {
        start(transport);
        String request = "POST /continue HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                + "\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        RawHttp.Reply reply = RawHttp.send(gateway.port(), request, 10_000);
        String text = reply.text();
        int cont = text.indexOf("HTTP/1.1 100 Continue");
        int hints = text.indexOf("HTTP/1.1 103 Early Hints");
        int ok = text.indexOf("HTTP/1.1 200 OK");
        assertTrue(cont == 0 && hints > cont && ok > hints, text);
        assertTrue(text.contains("rel=preload"), text);
        assertTrue(text.endsWith("hello"), text);
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void hopByHopHeadersStayOnTheirHop(Transport transport) throws Exception {
        start(transport);
        String request = "GET /204 HTTP/1.1\r\nHost: " + host(backend.port(), VMID) + "\r\nConnection: close, X-Secret"
                + "\r\nX-Secret: drop-me\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic eA==\r\nTE: trailers"
                + "\r\nX-Kept: yes\r\n\r\n";
        RawHttp.send(gateway.port(), request, 10_000);
        MiniHttpServer.Request seen = backend.requests().get(0);
        assertNull(seen.header("x-secret"));
        assertNull(seen.header("keep-alive"));
        assertNull(seen.header("proxy-authorization"));
        assertNull(seen.header("te"));
        assertEquals("yes", seen.header("x-kept"));
        assertEquals(host(backend.port(), VMID), seen.header("host"), "Host is kept");
    }

    /** A body of unknown length: the JDK client sends it chunked. */
    private static HttpRequest.BodyPublisher chunked(byte[] body) {
        return BodyPublishers.fromPublisher(subscriber -> {
            SubmissionPublisher<ByteBuffer> publisher = new SubmissionPublisher<>();
            publisher.subscribe(subscriber);
            new Thread(() -> {
                for (int off = 0; off < body.length; off += 256 * 1024) {
                    publisher.submit(ByteBuffer.wrap(body, off, Math.min(256 * 1024, body.length - off)));
                }
                publisher.close();
            }).start();
        });
    }
}
