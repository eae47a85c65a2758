package dev.cmux.bench.load;

import java.net.InetSocketAddress;

/**
 * Where the load goes: the socket to connect to and the Host header to send. Through a proxy the Host names the
 * sandbox port ({@code port-P-vm-200.bench.test}); straight to a backend it is whatever the backend ignores.
 */
public record Target(InetSocketAddress address, String host) {

    public static Target parse(String hostPort, String hostHeader) {
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        return new Target(address, hostHeader == null ? hostPort : hostHeader);
    }
}
