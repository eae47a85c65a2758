package dev.cmux.gateway.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsLoopsTest {

    /** Stands for the data plane's loops: DnsLoops only hands them on or leaves them alone. */
    private final EventLoopGroup dataPlane = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        dataPlane.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void underEpollAndNioDnsStaysOnTheDataPlanesLoopsAndClosingLeavesThemRunning() {
        for (Transport t : new Transport[] {Transport.EPOLL, Transport.NIO}) {
            DnsLoops dns = DnsLoops.of(t, dataPlane, true);
            assertSame(dataPlane, dns.loops(), t.name());
            assertEquals(t.datagramChannel(), dns.datagramChannel(), t.name());
            dns.close();
            assertFalse(dataPlane.isShuttingDown(), t.name());
        }
    }

    @Test
    void underIoUringDnsRunsOnAnEpollLoopOfItsOwnThatEndsWithIt() throws Exception {
        boolean epoll = Epoll.isAvailable();
        DnsLoops dns = DnsLoops.of(Transport.IO_URING, dataPlane, epoll);

        assertEquals(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class, dns.datagramChannel());
        assertOwnLoopEndsWithIt(dns);
    }

    @Test
    void underIoUringWithoutEpollTheLoopOfItsOwnIsNios() throws Exception {
        DnsLoops dns = DnsLoops.of(Transport.IO_URING, dataPlane, false);

        assertEquals(NioDatagramChannel.class, dns.datagramChannel());
        assertOwnLoopEndsWithIt(dns);
    }

    private void assertOwnLoopEndsWithIt(DnsLoops dns) throws Exception {
        assertNotSame(dataPlane, dns.loops());
        Thread thread = dns.loops().next().submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
        assertTrue(thread.getName().startsWith("dns-"), thread.getName());
        assertTrue(thread.isDaemon(), "never what keeps the JVM up");

        dns.close();

        assertTrue(dns.loops().isTerminated());
        thread.join(5_000); // Netty ends a loop's thread just after its termination future completes
        assertFalse(thread.isAlive(), "no thread left behind: " + thread);
        assertFalse(dataPlane.isShuttingDown(), "the data plane's loops are not DNS's to close");
    }
}
