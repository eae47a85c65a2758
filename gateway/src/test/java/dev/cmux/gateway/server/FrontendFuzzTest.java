package dev.cmux.gateway.server;

import dev.cmux.gateway.exchange.ClientConnection;
import dev.cmux.gateway.exchange.DataPlane;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.transport.Transport;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.control.testing.LogCapture;
import dev.cmux.gateway.testing.TinyDnsServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw bytes into the production client pipeline ({@link FrontendInitializer#addHandlers}), twice: on an embedded
 * channel, where no exception may escape a handler and whatever goes back at once is an HTTP/1.1 response; and over a
 * real socket to a running gateway, where the answers that wait for DNS (a sandbox name that does not resolve) come
 * too. No buffer leaks (the leak check runs after the class). Sandboxes resolve to a denied address or not at all, so no input connects anywhere.
 */
class FrontendFuzzTest {

    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    /** Warnings of the client connections, held for the whole class: each one is a bug the fuzzer found. */
    private static final LogCapture BUGS = LogCapture.of(ClientConnection.class.getName(), Level.WARNING);
    private static final TinyDnsServer DNS = dns();
    private static final DataPlane SERVICES = services();
    private static final GatewayServer SERVER = server();

    private static TinyDnsServer dns() {
        try {
            return new TinyDnsServer(); // answers NXDOMAIN at once: no input waits for a DNS timeout
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sandboxes as in {@link #services()}; a head must come within 20 ms and a connection idles 20 ms, so every
     * input's conversation ends in a closed connection soon after its last answer. */
    private static GatewayServer server() {
        try {
            return GatewayServer.start(config().toBuilder().requestHeadTimeout(Duration.ofMillis(20))
                    .clientIdleTimeout(Duration.ofMillis(20)).build(), Transport.NIO, AccessLogSink.DISCARD);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayConfig config() throws java.net.UnknownHostException {
        // vm-200 is at a public address (refused), and no other sandbox name resolves
        InetAddress denied = InetAddress.getByAddress(new byte[] {8, 8, 8, 8});
        return GatewayConfig.builder().domain("fuzz.test")
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .putStatic(200, denied)
                .nameservers(List.of(DNS.address()))
                .build();
    }

    private static DataPlane services() {
        try {
            return DataPlane.start(config(), LOOPS, Transport.NIO, AccessLogSink.DISCARD,
                    new WriteBufferWaterMark(32 * 1024, 64 * 1024), DataPlaneLinks.standalone());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        SERVER.close();
        SERVICES.close();
        DNS.close();
        LOOPS.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @FuzzTest(maxDuration = "10m")
    void rawRequestBytesGetAnHttpAnswerOrNothingAndNeverBreakThePipeline(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
            }
        };
        new FrontendInitializer(SERVICES, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), null)
                .addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(input));
        channel.runPendingTasks();
        channel.checkException();
        StringBuilder answer = new StringBuilder();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ByteBuf bytes = (ByteBuf) out;
            answer.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        }
        channel.finishAndReleaseAll();
        assertTrue(answer.length() == 0 || answer.indexOf("HTTP/1.1 ") == 0, answer.toString());
        String overSocket = overSocket(input);
        assertTrue(overSocket.isEmpty() || overSocket.startsWith("HTTP/1.1 "), overSocket);
        assertTrue(BUGS.records().isEmpty(), () -> "a handler failed: " + BUGS.records().get(0).getThrown());
    }

    @Test
    void aSandboxNameThatDoesNotResolveIsAnsweredOnceDnsHasSaidSo() throws Exception {
        String answer = overSocket(("GET / HTTP/1.1\r\nHost: port-8080-vm-300.fuzz.test\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
        assertTrue(answer.contains("X-Gateway-Error: unresolved"), answer);
    }

    /** Everything the running gateway says to {@code input} until it closes the connection. */
    private static String overSocket(byte[] input) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), SERVER.address().getPort())) {
            socket.setSoTimeout(10_000); // far beyond the 20 ms the gateway waits: a hang fails the input
            socket.getOutputStream().write(input);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return ""; // reset: the gateway closed with our bytes unread, which is an answer too
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
