package dev.cmux.gateway.proxy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.gateway.metrics.GatewayMetrics;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw bytes into the production client pipeline ({@link FrontendInitializer#addHandlers}) on an embedded channel:
 * no exception escapes a handler, whatever goes back is an HTTP/1.1 response, and no buffer leaks (the leak check
 * runs after the class). Sandboxes resolve to a denied address or not at all, so no input connects anywhere.
 */
class FrontendFuzzTest {

    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final List<LogRecord> BUGS = new CopyOnWriteArrayList<>();
    private static final TinyDnsServer DNS = dns();
    private static final ProxyServices SERVICES = services();

    private static TinyDnsServer dns() {
        try {
            return new TinyDnsServer(); // answers NXDOMAIN at once: no input waits for a DNS timeout
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProxyServices services() {
        Logger.getLogger(ClientConnection.class.getName()).addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    BUGS.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        try {
            // vm-200 is at a public address (refused), and no other sandbox name resolves
            InetAddress denied = InetAddress.getByAddress(new byte[] {8, 8, 8, 8});
            GatewayConfig config = GatewayConfig.builder().domain("fuzz.test")
                    .putStatic(200, denied)
                    .nameservers(List.of(DNS.address()))
                    .build();
            return ProxyServices.start(config, LOOPS, Transport.NIO, AccessLogSink.DISCARD,
                    new WriteBufferWaterMark(32 * 1024, 64 * 1024), DataPlaneLinks.standalone(List.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
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
        new FrontendInitializer(() -> SERVICES, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), null)
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
        assertTrue(BUGS.isEmpty(), () -> "a handler failed: " + BUGS.get(0).getThrown());
    }
}
