package dev.cmux.gateway.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransportTest {

    @Test
    void theFirstAvailableOfIoUringEpollAndNioIsTaken() {
        assertEquals(Transport.IO_URING, Transport.best(null, true, true));
        assertEquals(Transport.EPOLL, Transport.best(null, false, true), "a kernel or seccomp without io_uring");
        assertEquals(Transport.NIO, Transport.best(null, false, false));
    }

    @Test
    void gatewayTransportPinsALowerOne() {
        assertEquals(Transport.EPOLL, Transport.best("epoll", true, true));
        assertEquals(Transport.EPOLL, Transport.best(" EPOLL ", true, true));
        assertEquals(Transport.NIO, Transport.best("nio", true, true));
        assertEquals(Transport.NIO, Transport.best("epoll", true, false), "pinned epoll, which is missing");
        assertEquals(Transport.IO_URING, Transport.best("io_uring", true, true));
        assertEquals(Transport.IO_URING, Transport.best("", true, true), "an empty value pins nothing");
    }
}
