package dev.cmux.gateway.relay;

import dev.cmux.control.testing.Await;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.Bytes;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.WebSocketEchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real WebSocket client (the JDK's) through the gateway to a real WebSocket server. */
class WebSocketRelayTest {

    private static final int VMID = 202;

    private WebSocketEchoServer backend;
    private GatewayUnderTest gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private Received open(Transport transport, Received received) throws Exception {
        backend = new WebSocketEchoServer();
        gateway = GatewayUnderTest.start(transport, VMID);
        received.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Host", host(backend.port(), VMID))
                .subprotocols("binary")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/websockify"), received)
                .get(10, TimeUnit.SECONDS);
        return received;
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void textAndBinaryFramesUpToFourMebibytesEchoIntact(Transport transport) throws Exception {
        Received r = open(transport, new Received());
        assertEquals("binary", r.socket.getSubprotocol(), "Sec-WebSocket-Protocol comes back");
        for (int size : new int[] {1, 125, 126, 65_535, 65_536, 1024 * 1024, 4 * 1024 * 1024}) {
            byte[] payload = Bytes.pattern(size);
            r.socket.sendBinary(ByteBuffer.wrap(payload), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(payload, (byte[]) r.messages.poll(20, TimeUnit.SECONDS), "binary " + size);
            String text = "ü".repeat(size / 2);
            r.socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            assertEquals(text, r.messages.poll(20, TimeUnit.SECONDS), "text " + size);
        }
        r.socket.sendClose(WebSocket.NORMAL_CLOSURE, "client done").get(5, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, r.closed.get(10, TimeUnit.SECONDS));
        awaitLog(l -> l.contains("\"upgraded\":true") && l.contains("\"status\":101"),
                "one access-log line for the WebSocket when it ends");
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void theServerCanCloseFirst(Transport transport) throws Exception {
        Received r = open(transport, new Received());
        r.socket.sendText("bye", true).get(5, TimeUnit.SECONDS);
        assertEquals(1000, r.closed.get(10, TimeUnit.SECONDS));
        assertEquals("server says bye", r.closeReason);
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void aRefusedUpgradeIsForwardedAsItIs(Transport transport) throws Exception {
        try (MiniHttpServer refusing = new MiniHttpServer((req, out) -> {
            byte[] body = "origin not allowed".getBytes(StandardCharsets.US_ASCII);
            MiniHttpServer.writeHead(out, 403, "Forbidden", "Content-Length: " + body.length);
            out.write(body);
            return true;
        })) {
            gateway = GatewayUnderTest.start(transport, VMID);
            ExecutionException e = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                    .newWebSocketBuilder().header("Host", host(refusing.port(), VMID))
                    .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/"), new Received())
                    .get(10, TimeUnit.SECONDS));
            WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            assertEquals(403, refused.getResponse().statusCode());
            assertEquals("origin not allowed", refused.getResponse().body());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void bytesSentRightAfterTheHandshakeOnEitherSideAreNotLost(Transport transport) throws Exception {
        // the backend's 101 and its first bytes arrive in one packet; the client's first bytes follow its request
        // head at once: both sit in the HTTP decoders when the relay takes over, and must be handed on
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            gateway = GatewayUnderTest.start(transport, VMID);
            CompletableFuture<String> backendGot = CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = raw.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    String head = readHead(in);
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-raw\r\n"
                            + "Connection: Upgrade\r\n\r\nHELLO-FROM-BACKEND").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    byte[] early = in.readNBytes("EARLY-FROM-CLIENT".length());
                    return head.split("\r\n")[0] + "|" + new String(early, StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (java.net.Socket client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), gateway.port())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write(("GET /raw HTTP/1.1\r\nHost: " + host(raw.getLocalPort(), VMID)
                        + "\r\nUpgrade: x-raw\r\nConnection: Upgrade\r\n\r\nEARLY-FROM-CLIENT")
                        .getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                java.io.InputStream in = client.getInputStream();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 101"), head);
                assertEquals("HELLO-FROM-BACKEND", new String(in.readNBytes("HELLO-FROM-BACKEND".length()),
                        StandardCharsets.US_ASCII));
                assertEquals("GET /raw HTTP/1.1|EARLY-FROM-CLIENT", backendGot.get(10, TimeUnit.SECONDS));
            }
        }
    }

    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1) {
            head.append((char) b);
        }
        return head.toString();
    }

    private void awaitLog(java.util.function.Predicate<String> match, String what) throws Exception {
        Await.until(() -> gateway.accessLog().stream().anyMatch(match), what);
    }

    /** Collects whole messages (text as String, binary as byte[]) and the close. */
    static final class Received implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile String closeReason;
        WebSocket socket;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closeReason = reason;
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
