package dev.cmux.bench;

import dev.cmux.gateway.transport.Transport;

/**
 * The transport of the bench's own tools (load client, backend, microbenchmarks): epoll where it loads, else NIO.
 * Not the gateway's default, io_uring: the tools stay the same from run to run whatever the gateway takes, and
 * io_uring's warnings at shutdown once reached a load client's standard output before its result line.
 */
public final class BenchTransport {

    private BenchTransport() {
    }

    public static Transport get() {
        return Transport.epollOrNio();
    }
}
