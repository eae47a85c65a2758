package dev.cmux.gateway.cli;

import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.GatewayJar;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Type=notify}: the shaded jar, started with {@code $NOTIFY_SOCKET} as systemd does, says READY=1 once it
 * listens, RELOADING=1 and READY=1 around a SIGHUP, and STOPPING=1 at SIGTERM.
 */
class SystemdNotifyIT {

    @TempDir
    Path dir;

    @Test
    void theJarTellsSystemdWhenItIsReadyReloadingAndStopping() throws Exception {
        LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Path socket = dir.resolve("notify.sock");
        Channel systemd = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        heard.add(p.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(socket.toString())).sync().channel();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "listen: 127.0.0.1:" + RoutablePorts.pick() + "\ncontrol: { listen: \"127.0.0.1:" + RoutablePorts.pick()
                + "\" }\n");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", GatewayJar.JAR.toString(), "run", "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        builder.environment().put("NOTIFY_SOCKET", socket.toString());
        Process gateway = builder.start();
        try {
            String ready = heard.poll(60, TimeUnit.SECONDS);
            assertNotNull(ready, "READY=1 within a minute; log: " + Files.readString(dir.resolve("gateway.log")));
            assertTrue(ready.startsWith("READY=1"), ready);
            assertTrue(Files.readString(dir.resolve("gateway.log")).contains("listening on"),
                    "ready only after the listeners are bound");
            new ProcessBuilder("kill", "-HUP", Long.toString(gateway.pid())).start().waitFor();
            assertEquals("RELOADING=1", heard.poll(20, TimeUnit.SECONDS));
            assertEquals("READY=1", heard.poll(20, TimeUnit.SECONDS));
            gateway.toHandle().destroy();
            assertEquals("STOPPING=1", heard.poll(20, TimeUnit.SECONDS));
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, gateway.exitValue());
        } finally {
            gateway.destroyForcibly();
            systemd.close().sync();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
