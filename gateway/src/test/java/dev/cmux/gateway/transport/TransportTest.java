package dev.cmux.gateway.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransportTest {

    @Test
    void ioUringWhereTheKernelAllowsItElseEpollElseNio() {
        assertEquals(Transport.IO_URING, Transport.best(null, true, true));
        assertEquals(Transport.IO_URING, Transport.best("", true, true));
        assertEquals(Transport.IO_URING, Transport.best(null, true, false), "io_uring without epoll");
        assertEquals(Transport.EPOLL, Transport.best(null, false, true), "a kernel without io_uring");
        assertEquals(Transport.NIO, Transport.best(null, false, false));
    }

    @Test
    void gatewayTransportPinsEpollOrNio() {
        assertEquals(Transport.EPOLL, Transport.best("epoll", true, true));
        assertEquals(Transport.EPOLL, Transport.best(" EPOLL ", true, true));
        assertEquals(Transport.NIO, Transport.best("epoll", true, false), "epoll asked for where it is missing");
        assertEquals(Transport.NIO, Transport.best("nio", true, true));
        assertEquals(Transport.NIO, Transport.best("NIO", false, true));
    }

    @Test
    void gatewayTransportIoUringAsksForItAndFallsBackWhereItIsMissing() {
        assertEquals(Transport.IO_URING, Transport.best("io_uring", true, true));
        assertEquals(Transport.IO_URING, Transport.best(" IO_URING ", true, false));
        assertEquals(Transport.EPOLL, Transport.best("io_uring", false, true));
        assertEquals(Transport.NIO, Transport.best("io_uring", false, false));
    }
}
