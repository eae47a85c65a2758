package dev.cmux.gateway.exchange;

import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.GatewayUnderTest;
import dev.cmux.gateway.testing.MiniHttpServer;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.cmux.gateway.testing.GatewayUnderTest.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer slower than the other side must not make the gateway buffer the difference. Client and backend here are
 * plain sockets, so the only Netty memory in use is the gateway's: its pooled allocator's direct memory is sampled
 * all through a transfer of far more than it may hold.
 */
class BackpressureTest {

    private static final int VMID = 203;
    private static final long GIB = 1024L * 1024 * 1024;
    private static final long BOUND = 64L * 1024 * 1024;

    private MiniHttpServer backend;
    private GatewayUnderTest gateway;
    private final AtomicLong maxDirect = new AtomicLong();
    private final AtomicBoolean sampling = new AtomicBoolean(true);

    @AfterEach
    void stop() throws IOException {
        sampling.set(false);
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static boolean answer(MiniHttpServer.Request r, OutputStream out) throws IOException {
        if (r.target().equals("/download")) {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + GIB);
            byte[] block = new byte[256 * 1024];
            for (long sent = 0; sent < GIB; sent += block.length) {
                out.write(block);
            }
            return true;
        }
        // /upload: read slowly, count
        long got = 0;
        byte[] buf = new byte[64 * 1024];
        int n;
        InputStream body = r.body();
        while ((n = body.read(buf)) != -1) {
            got += n;
            pause();
        }
        byte[] answer = Long.toString(got).getBytes(StandardCharsets.US_ASCII);
        MiniHttpServer.writeHead(out, 200, "OK", "Content-Length: " + answer.length);
        out.write(answer);
        return true;
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void aSlowClientReadingOneGibibyteKeepsTheGatewaysMemoryBounded(Transport transport) throws Exception {
        start(transport);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            s.setReceiveBufferSize(64 * 1024);
            s.getOutputStream().write(("GET /download HTTP/1.1\r\nHost: " + host(backend.port(), VMID)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = MiniHttpServerHead.read(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            long got = 0;
            byte[] buf = new byte[256 * 1024];
            int n;
            while (got < GIB && (n = in.read(buf)) != -1) {
                got += n;
                pause();
            }
            assertEquals(GIB, got);
        }
        assertBounded();
    }

    @ParameterizedTest
    @MethodSource("dev.cmux.gateway.testing.GatewayUnderTest#transports")
    void aSlowBackendReadingAHalfGibibyteUploadKeepsTheGatewaysMemoryBounded(Transport transport) throws Exception {
        start(transport);
        long size = GIB / 2;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: " + host(backend.port(), VMID) + "\r\nContent-Length: " + size
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[256 * 1024];
            for (long sent = 0; sent < size; sent += block.length) {
                out.write(block);
            }
            out.flush();
            String head = MiniHttpServerHead.read(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            byte[] count = s.getInputStream().readNBytes(Long.toString(size).length());
            assertEquals(Long.toString(size), new String(count, StandardCharsets.US_ASCII));
        }
        assertBounded();
    }

    private void start(Transport transport) throws Exception {
        backend = new MiniHttpServer(BackpressureTest::answer);
        gateway = GatewayUnderTest.start(transport, VMID);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxDirect.accumulateAndGet(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "direct-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void assertBounded() {
        long max = maxDirect.get();
        System.out.println("gateway direct memory peak: " + (max >> 10) + " KiB");
        assertTrue(max > 0, "the sampler saw the gateway's allocator in use");
        assertTrue(max <= BOUND, "direct memory peaked at " + (max >> 20) + " MiB, more than " + (BOUND >> 20) + " MiB");
    }

    /** About four times slower than loopback can go: slow enough that an unbounded gateway would pile up bytes. */
    private static void pause() {
        try {
            Thread.sleep(0, 500_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a response head byte by byte, so no body byte is taken from the stream. */
    private static final class MiniHttpServerHead {
        static String read(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }
    }
}
