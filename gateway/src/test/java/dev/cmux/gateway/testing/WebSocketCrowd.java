package dev.cmux.gateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A crowd of WebSocket clients and their echo server in a process of its own, so the gateway's process holds only
 * its own two descriptors per WebSocket. {@code main(gatewayPort, count, vmid, domain)}: opens {@code count}
 * WebSockets through the gateway, checks one echo on each, prints {@code OPEN n}; on a line {@code close} on
 * standard input closes them all and prints {@code CLOSED}.
 */
public final class WebSocketCrowd {

    private static final byte[] FRAME = {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'}; // masked "hi", zero key
    private static final byte[] ECHO = {(byte) 0x81, 0x02, 'h', 'i'};

    public static void main(String[] args) throws Exception {
        int gatewayPort = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        int vmid = Integer.parseInt(args[2]);
        String domain = args[3];
        try (WebSocketEchoServer backend = new WebSocketEchoServer()) {
            EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            byte[] upgrade = ("GET / HTTP/1.1\r\nHost: port-" + backend.port() + "-vm-" + vmid + "." + domain
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ConcurrentLinkedQueue<Channel> open = new ConcurrentLinkedQueue<>();
            AtomicInteger failed = new AtomicInteger();
            Bootstrap bootstrap = new Bootstrap().group(loops).channel(NioSocketChannel.class);
            for (int start = 0; start < count; start += 500) {
                int batch = Math.min(500, count - start);
                CountDownLatch echoed = new CountDownLatch(batch);
                List<ChannelFuture> connects = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    connects.add(bootstrap.clone().handler(new Client(upgrade, echoed, failed, open))
                            .connect(InetAddress.getLoopbackAddress(), gatewayPort));
                }
                if (!echoed.await(60, TimeUnit.SECONDS) || failed.get() > 0) {
                    System.out.println("FAILED " + open.size() + " open, " + failed.get() + " failed");
                    System.exit(1);
                }
            }
            System.out.println("OPEN " + open.size());
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("close")) {
                // wait for the test to look at the gateway
            }
            for (Channel c : open) {
                c.close().syncUninterruptibly();
            }
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            System.out.println("CLOSED");
        }
    }

    /** Upgrade, then one frame, then one echo: the WebSocket is open end to end. */
    private static final class Client extends ChannelInboundHandlerAdapter {
        private final byte[] upgrade;
        private final CountDownLatch echoed;
        private final AtomicInteger failed;
        private final ConcurrentLinkedQueue<Channel> open;
        private final ByteBuf got = Unpooled.buffer();
        private int headEnd = -1;

        Client(byte[] upgrade, CountDownLatch echoed, AtomicInteger failed, ConcurrentLinkedQueue<Channel> open) {
            this.upgrade = upgrade;
            this.echoed = echoed;
            this.failed = failed;
            this.open = open;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(upgrade));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            got.writeBytes(in);
            in.release();
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0) {
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                if (!text.startsWith("HTTP/1.1 101")) {
                    failed.incrementAndGet();
                    echoed.countDown();
                    ctx.close();
                    return;
                }
                headEnd = end + 4;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(FRAME));
            }
            if (got.readableBytes() >= headEnd + ECHO.length) {
                open.add(ctx.channel());
                echoed.countDown();
                got.clear();
                headEnd = Integer.MAX_VALUE / 2; // done: ignore anything else
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed.incrementAndGet();
            echoed.countDown();
            ctx.close();
        }
    }
}
