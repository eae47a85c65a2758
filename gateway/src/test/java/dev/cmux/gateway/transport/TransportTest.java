package dev.cmux.gateway.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransportTest {

    @Test
    void epollUnlessAnotherIsPinnedThenNio() {
        assertEquals(Transport.EPOLL, Transport.best(null, true, true), "io_uring only when asked for");
        assertEquals(Transport.EPOLL, Transport.best("", true, true));
        assertEquals(Transport.NIO, Transport.best(null, true, false));
    }

    @Test
    void gatewayTransportPinsIoUringOrNio() {
        assertEquals(Transport.IO_URING, Transport.best("io_uring", true, true));
        assertEquals(Transport.IO_URING, Transport.best(" IO_URING ", true, true));
        assertEquals(Transport.EPOLL, Transport.best("io_uring", false, true), "a kernel without io_uring");
        assertEquals(Transport.NIO, Transport.best("nio", true, true));
    }
}
