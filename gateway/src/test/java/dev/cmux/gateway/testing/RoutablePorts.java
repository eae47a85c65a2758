package dev.cmux.gateway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * Ephemeral ports for test backends that the gateway will route to. The kernel's ephemeral range contains 39375,
 * which the gateway refuses by default (cmux-execd): a backend that happened to get it would see a 403 instead of
 * its requests, once in a few thousand runs.
 */
public final class RoutablePorts {

    /** The defaults of {@code routing.deniedPorts}. */
    public static final Set<Integer> DENIED_BY_DEFAULT = Set.of(22, 39375);

    private RoutablePorts() {
    }

    public static boolean routable(int port) {
        return !DENIED_BY_DEFAULT.contains(port);
    }

    /** A listening socket on {@code address} at a free port the gateway routes. */
    public static ServerSocket listen(InetAddress address, int backlog) throws IOException {
        while (true) {
            ServerSocket socket = new ServerSocket(0, backlog, address);
            if (routable(socket.getLocalPort())) {
                return socket;
            }
            socket.close();
        }
    }

    /** A free loopback port the gateway routes (for peers that bind it themselves). */
    public static int pick() throws IOException {
        try (ServerSocket socket = listen(InetAddress.getLoopbackAddress(), 1)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
